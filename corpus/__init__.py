"""Storage and text processing: the DuckDB schema, ingest, tokenising and lexicon matching."""
