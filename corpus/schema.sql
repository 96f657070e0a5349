-- marketspeak database schema: always the whole current version (the versions, their names
-- and their migrations: MIGRATIONS in corpus/db.py).
--
-- This file is the data dictionary: every table and column carries a COMMENT that DuckDB
-- stores with it (read them with `SELECT * FROM duckdb_columns()`). Tables hold what was
-- crawled and computed; the views and table macros at the end are the stable interface for
-- researchers. Dates are calendar dates as published; timestamps are UTC.

CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE schema_migrations IS 'Schema versions applied to this file, one row per migration.';
COMMENT ON COLUMN schema_migrations.version IS 'Schema version number; the highest is the version of the file.';
COMMENT ON COLUMN schema_migrations.name IS 'Short name of the migration.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When the migration was applied (UTC).';

CREATE TABLE IF NOT EXISTS sources (
    name       VARCHAR PRIMARY KEY,
    kind       VARCHAR NOT NULL,
    start_urls VARCHAR[] NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE sources IS 'Publishers as registered in the sources file when they were last crawled.';
COMMENT ON COLUMN sources.name IS 'Source name from the sources file (lower-case slug).';
COMMENT ON COLUMN sources.kind IS 'Kind of publisher: council, regulator, government or other.';
COMMENT ON COLUMN sources.start_urls IS 'URLs the crawl of this source starts from.';
COMMENT ON COLUMN sources.updated_at IS 'Last time this row was written by a crawl (UTC).';

CREATE TABLE IF NOT EXISTS documents (
    doc_id           VARCHAR PRIMARY KEY,
    source           VARCHAR NOT NULL,
    url              VARCHAR NOT NULL,
    title            VARCHAR,
    published        DATE,
    date_source      VARCHAR,
    content_type     VARCHAR NOT NULL,
    content_sha256   VARCHAR NOT NULL UNIQUE,
    text             VARCHAR NOT NULL,
    n_chars          INTEGER NOT NULL,
    n_tokens         INTEGER,
    n_words          INTEGER,
    lexicon_versions VARCHAR,
    first_seen       TIMESTAMP NOT NULL,
    last_seen        TIMESTAMP NOT NULL
);
COMMENT ON TABLE documents IS 'One row per distinct document text. The same text found at several URLs is stored once (see document_urls).';
COMMENT ON COLUMN documents.doc_id IS 'Stable identifier: the first 16 hex digits of content_sha256.';
COMMENT ON COLUMN documents.source IS 'Name of the source (publisher) the document was first found under.';
COMMENT ON COLUMN documents.url IS 'Canonical URL where the document was first found.';
COMMENT ON COLUMN documents.title IS 'Title from the page or PDF metadata, as crawled (untrusted text).';
COMMENT ON COLUMN documents.published IS 'Publication date; NULL when no trustworthy date was found (never the fetch date).';
COMMENT ON COLUMN documents.date_source IS 'Where the publication date came from (see date_sources for each value and whether trends trust it); NULL when undated.';
COMMENT ON COLUMN documents.content_type IS 'Format the text was extracted from: html or pdf.';
COMMENT ON COLUMN documents.content_sha256 IS 'SHA-256 (hex) of the extracted text after whitespace normalisation; the deduplication key.';
COMMENT ON COLUMN documents.text IS 'Extracted main text; paragraphs separated by a line break.';
COMMENT ON COLUMN documents.n_chars IS 'Length of text in characters.';
COMMENT ON COLUMN documents.n_tokens IS 'Number of rows in tokens for this document (words and punctuation); NULL until tokenised.';
COMMENT ON COLUMN documents.n_words IS 'Number of word tokens (with a letter or digit); the denominator of every rate.';
COMMENT ON COLUMN documents.lexicon_versions IS 'Lexicon versions its term_hits were matched with and the name rule that judged them, e.g. ''market@2.0.0 relational@2.0.0 names@2''; every published number is labelled with it.';
COMMENT ON COLUMN documents.first_seen IS 'When this text was first crawled (UTC).';
COMMENT ON COLUMN documents.last_seen IS 'When this text was last crawled at any of its URLs (UTC).';

CREATE TABLE IF NOT EXISTS date_sources (
    date_source VARCHAR PRIMARY KEY,
    reliable    BOOLEAN NOT NULL,
    meaning     VARCHAR NOT NULL
);
COMMENT ON TABLE date_sources IS 'The places a publication date can come from, and whether trends trust it.';
COMMENT ON COLUMN date_sources.date_source IS 'Value of documents.date_source.';
COMMENT ON COLUMN date_sources.reliable IS 'True when the date is stated by the publisher as a publication date; trends count other dates as undated.';
COMMENT ON COLUMN date_sources.meaning IS 'Where the date was read.';
INSERT OR REPLACE INTO date_sources VALUES
    ('json-ld',         true,  'datePublished in the page''s JSON-LD structured data'),
    ('html-meta',       true,  'a publication-date <meta> tag (article:published_time, DC.date.issued, ...)'),
    ('time-element',    true,  'the datetime attribute of a <time> tied to the publication: marked pubdate, itemprop=datePublished or class published, or inside the page''s <article> (not in its footer, an aside or a nested article such as a comment)'),
    ('time-element-untied', false, 'the datetime attribute of the first <time> on a page with none tied to the publication: it may date a comment, a related item or the day the page was served'),
    ('listing',         true,  'the date printed beside the link on the listing page that led to the document'),
    ('feed',            true,  'the date of the RSS or Atom entry that linked to the document'),
    ('api',             true,  'the publisher''s API (GOV.UK: first_published_at, else public_timestamp)'),
    ('pdf-metadata',    true,  'the CreationDate in the PDF''s document information, at least a day before the PDF was fetched'),
    ('pdf-metadata-recent', false, 'the CreationDate in the PDF''s document information, less than a day before the fetch (or after it): the moment a server generated the file, not when it was published'),
    ('url',             true,  'a full year/month/day date in the URL path'),
    ('htmldate',        false, 'htmldate''s heuristics over the page (may be a modification date)'),
    ('sitemap-lastmod', false, 'the sitemap''s lastmod: when the page last changed, not when it was published');

CREATE TABLE IF NOT EXISTS document_urls (
    url        VARCHAR PRIMARY KEY,
    doc_id     VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    first_seen TIMESTAMP NOT NULL,
    last_seen  TIMESTAMP NOT NULL,
    gone_at    TIMESTAMP,
    gone_status INTEGER
);
COMMENT ON TABLE document_urls IS 'Every canonical URL at which a stored document was found. A URL that answered 404 or 410 after its last good answer is gone (gone_at set): it no longer counts as serving its text.';
COMMENT ON COLUMN document_urls.url IS 'Canonical URL (fragment and tracking parameters removed, query sorted).';
COMMENT ON COLUMN document_urls.doc_id IS 'The document whose text this URL served (documents.doc_id).';
COMMENT ON COLUMN document_urls.source IS 'Source whose crawl found the URL: the publisher this URL counts for in per-source measures (document_sources).';
COMMENT ON COLUMN document_urls.first_seen IS 'When the URL was first crawled (UTC).';
COMMENT ON COLUMN document_urls.last_seen IS 'When the URL last answered with its text (200, or 304 Not Modified) (UTC).';
COMMENT ON COLUMN document_urls.gone_at IS 'When the URL answered 404 Not Found or 410 Gone after last_seen; NULL while it serves its text. A later 200 or 304 clears it. Timeouts, 5xx answers and redirects leave it as it was (schema version 5).';
COMMENT ON COLUMN document_urls.gone_status IS 'The HTTP status that said the URL is gone (404 or 410); NULL while it serves its text (schema version 5).';

CREATE TABLE IF NOT EXISTS tokens (
    doc_id    VARCHAR NOT NULL,
    position  INTEGER NOT NULL,
    token     VARCHAR NOT NULL,
    lemma     VARCHAR NOT NULL,
    is_word   BOOLEAN NOT NULL,
    paragraph INTEGER NOT NULL
);
COMMENT ON TABLE tokens IS 'One row per token of each document, in order. Whitespace is not stored.';
COMMENT ON COLUMN tokens.doc_id IS 'Document (documents.doc_id).';
COMMENT ON COLUMN tokens.position IS '0-based index of the token in its document.';
COMMENT ON COLUMN tokens.token IS 'The token as written.';
COMMENT ON COLUMN tokens.lemma IS 'Lower-case dictionary form (spaCy English lookup table over the lower-cased token).';
COMMENT ON COLUMN tokens.is_word IS 'True when the token has a letter or digit; false for punctuation.';
COMMENT ON COLUMN tokens.paragraph IS '0-based paragraph number within the document.';

CREATE TABLE IF NOT EXISTS term_hits (
    doc_id   VARCHAR NOT NULL,
    lexicon  VARCHAR NOT NULL,
    term     VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    n_tokens INTEGER NOT NULL,
    matched  VARCHAR NOT NULL,
    counted  BOOLEAN DEFAULT true,
    excluded_by VARCHAR DEFAULT ''
);
COMMENT ON TABLE term_hits IS 'One row per lexicon match, counted or not: every match is kept, and measures count only those the rules leave in (hit_status). A multi-word term is one hit; where terms overlap the longest wins.';
COMMENT ON COLUMN term_hits.doc_id IS 'Document (documents.doc_id).';
COMMENT ON COLUMN term_hits.lexicon IS 'Lexicon name: market or relational.';
COMMENT ON COLUMN term_hits.term IS 'Canonical term from the lexicon (variants are counted under it).';
COMMENT ON COLUMN term_hits.category IS 'The term''s category in its lexicon (role, exchange, relationship, ...).';
COMMENT ON COLUMN term_hits.position IS 'tokens.position of the first token of the match.';
COMMENT ON COLUMN term_hits.n_tokens IS 'Number of tokens the match spans.';
COMMENT ON COLUMN term_hits.matched IS 'The matched text as written.';
COMMENT ON COLUMN term_hits.counted IS 'False when a rule of the lexicon sets the match aside (excluded_by says which); measures count only counted hits in English paragraphs (hit_status, english_hits). Set when the hit is matched, again whenever the lexicons change (schema version 8).';
COMMENT ON COLUMN term_hits.excluded_by IS 'Empty when counted; else the rule that set the hit aside: formula:NAME or sense:NAME (a term''s exclude pattern in its lexicon file, e.g. formula:no-person-shall, sense:trust-legal), or name (inside a proper name or title: corpus/names.py). hit_status adds language for hits in other-language paragraphs (schema version 8).';

CREATE TABLE IF NOT EXISTS document_languages (
    doc_id        VARCHAR PRIMARY KEY,
    language      VARCHAR NOT NULL,
    english_words INTEGER NOT NULL,
    detector      VARCHAR NOT NULL,
    identified_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE document_languages IS 'Language of each tokenised document, identified paragraph by paragraph (corpus/language.py; schema version 6). A document not listed yet counts all its words as English.';
COMMENT ON COLUMN document_languages.doc_id IS 'Document (documents.doc_id).';
COMMENT ON COLUMN document_languages.language IS 'Dominant language, ISO 639 code as py3langid gives it (en, cy, fr, ...): the one with the most words, English winning ties.';
COMMENT ON COLUMN document_languages.english_words IS 'Word tokens in English paragraphs: documents.n_words less the words of its language_spans. The denominator of every rate.';
COMMENT ON COLUMN document_languages.detector IS 'What identified the languages: library version and thresholds.';
COMMENT ON COLUMN document_languages.identified_at IS 'When the languages were identified (UTC).';

CREATE TABLE IF NOT EXISTS language_spans (
    doc_id          VARCHAR NOT NULL,
    language        VARCHAR NOT NULL,
    first_paragraph INTEGER NOT NULL,
    last_paragraph  INTEGER NOT NULL,
    first_position  INTEGER NOT NULL,
    last_position   INTEGER NOT NULL,
    n_words         INTEGER NOT NULL
);
COMMENT ON TABLE language_spans IS 'Runs of consecutive paragraphs of a document in a language other than English (the Welsh half of a bilingual report, each Welsh paragraph of one that alternates). Their words and hits are set aside from every rate (schema version 6).';
COMMENT ON COLUMN language_spans.doc_id IS 'Document (documents.doc_id).';
COMMENT ON COLUMN language_spans.language IS 'Language of the run, ISO 639 code as py3langid gives it (cy, fr, pl, ...).';
COMMENT ON COLUMN language_spans.first_paragraph IS 'tokens.paragraph of the run''s first paragraph.';
COMMENT ON COLUMN language_spans.last_paragraph IS 'tokens.paragraph of its last paragraph (inclusive).';
COMMENT ON COLUMN language_spans.first_position IS 'tokens.position of the run''s first token.';
COMMENT ON COLUMN language_spans.last_position IS 'tokens.position of its last token (inclusive): a term_hits row starting in between is in this language.';
COMMENT ON COLUMN language_spans.n_words IS 'Word tokens in the run, left out of every rate.';

CREATE TABLE IF NOT EXISTS boilerplate_sources (
    source      VARCHAR PRIMARY KEY,
    n_documents INTEGER NOT NULL,
    min_documents INTEGER,
    rule        VARCHAR NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    fingerprint UBIGINT
);
COMMENT ON TABLE boilerplate_sources IS 'Per source: when its boilerplate (paragraphs repeated across its documents, corpus/boilerplate.py) was last computed and over which documents; recomputed when their number or fingerprint changes (schema version 9; the fingerprint since 14).';
COMMENT ON COLUMN boilerplate_sources.source IS 'Source name (documents.source: the source a document was first found under).';
COMMENT ON COLUMN boilerplate_sources.n_documents IS 'Tokenised documents of the source the boilerplate was computed over.';
COMMENT ON COLUMN boilerplate_sources.min_documents IS 'Documents a paragraph had to occur in to be boilerplate; NULL when the source was too small for any (rule says how small).';
COMMENT ON COLUMN boilerplate_sources.rule IS 'The threshold in words: minimum paragraph words, documents, share of the source and source size.';
COMMENT ON COLUMN boilerplate_sources.computed_at IS 'When it was computed (UTC).';
COMMENT ON COLUMN boilerplate_sources.fingerprint IS 'Order-free fingerprint of the source''s tokenised documents it was computed over: the XOR of the first 16 hex digits of md5(doc_id || '':'' || n_tokens), as an unsigned 64-bit integer; NULL in a row from before schema version 14 (recomputed once).';

CREATE TABLE IF NOT EXISTS boilerplate_paragraphs (
    source      VARCHAR NOT NULL,
    hash        VARCHAR NOT NULL,
    n_documents INTEGER NOT NULL,
    example     VARCHAR NOT NULL
);
COMMENT ON TABLE boilerplate_paragraphs IS 'Paragraphs a source repeats, verbatim or differing only in case, digits, punctuation and spacing, across at least boilerplate_sources.min_documents of its documents: legal formulas, standard notices, running heads, footers (schema version 9).';
COMMENT ON COLUMN boilerplate_paragraphs.source IS 'Source name (boilerplate_sources.source).';
COMMENT ON COLUMN boilerplate_paragraphs.hash IS 'BLAKE2b (8 bytes, hex) of the normalised paragraph: lower case, digits as 0, punctuation and whitespace runs as one space.';
COMMENT ON COLUMN boilerplate_paragraphs.n_documents IS 'Documents of the source the paragraph occurs in.';
COMMENT ON COLUMN boilerplate_paragraphs.example IS 'The paragraph as first found, cut at 200 characters (untrusted text).';

CREATE TABLE IF NOT EXISTS boilerplate_spans (
    doc_id          VARCHAR NOT NULL,
    source          VARCHAR NOT NULL,
    first_paragraph INTEGER NOT NULL,
    last_paragraph  INTEGER NOT NULL,
    first_position  INTEGER NOT NULL,
    last_position   INTEGER NOT NULL,
    n_words         INTEGER NOT NULL
);
COMMENT ON TABLE boilerplate_spans IS 'Runs of consecutive boilerplate paragraphs (boilerplate_paragraphs) in each document; hits starting in one are set aside as boilerplate (hit_status). Their words stay in the rates'' denominator (schema version 9).';
COMMENT ON COLUMN boilerplate_spans.doc_id IS 'Document (documents.doc_id).';
COMMENT ON COLUMN boilerplate_spans.source IS 'Source whose repeated paragraphs these are (boilerplate_sources.source).';
COMMENT ON COLUMN boilerplate_spans.first_paragraph IS 'tokens.paragraph of the run''s first paragraph.';
COMMENT ON COLUMN boilerplate_spans.last_paragraph IS 'tokens.paragraph of its last paragraph (inclusive).';
COMMENT ON COLUMN boilerplate_spans.first_position IS 'tokens.position of the run''s first token.';
COMMENT ON COLUMN boilerplate_spans.last_position IS 'tokens.position of its last token (inclusive): a term_hits row starting in between is boilerplate.';
COMMENT ON COLUMN boilerplate_spans.n_words IS 'Word tokens in the run.';

CREATE TABLE IF NOT EXISTS document_signatures (
    doc_id      VARCHAR PRIMARY KEY,
    n_shingles  INTEGER NOT NULL,
    signature   BLOB,
    method      VARCHAR NOT NULL,
    computed_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE document_signatures IS 'MinHash signature of each tokenised document''s word 5-grams, computed once so that finding near-duplicates reads stored signatures (corpus/duplicates.py; schema version 10).';
COMMENT ON COLUMN document_signatures.doc_id IS 'Document (documents.doc_id).';
COMMENT ON COLUMN document_signatures.n_shingles IS 'Distinct word 5-grams (of lower-cased words) in its text: the set size containment is estimated against.';
COMMENT ON COLUMN document_signatures.signature IS 'The MinHash values, little-endian unsigned 64-bit integers one after the other; NULL when the text has under 50 shingles (too short for its likeness to mean anything: never clustered).';
COMMENT ON COLUMN document_signatures.method IS 'Library version, permutations, seed and shingling the signature was made with.';
COMMENT ON COLUMN document_signatures.computed_at IS 'When the signature was computed (UTC).';

CREATE TABLE IF NOT EXISTS duplicate_clusters (
    cluster_id        VARCHAR NOT NULL,
    doc_id            VARCHAR PRIMARY KEY,
    is_representative BOOLEAN NOT NULL,
    relation          VARCHAR NOT NULL,
    jaccard           DOUBLE NOT NULL,
    containment       DOUBLE NOT NULL,
    reason            VARCHAR NOT NULL,
    clustered_at      TIMESTAMP NOT NULL
);
COMMENT ON TABLE duplicate_clusters IS 'Near-duplicate current documents (the same report at two URLs, a page and its PDF, a re-issued release, a report inside an agenda pack), one row per member: each cluster is counted once, through its representative; the other members'' hits are set aside as duplicate (hit_status) and their words leave every rate. Rebuilt from document_signatures by every tokenise run (schema version 10). Documents in no cluster have no row.';
COMMENT ON COLUMN duplicate_clusters.cluster_id IS 'The cluster: its representative''s doc_id.';
COMMENT ON COLUMN duplicate_clusters.doc_id IS 'Member document (documents.doc_id).';
COMMENT ON COLUMN duplicate_clusters.is_representative IS 'True for the one member counted: a member no other contains, the earliest reliably dated, then the longest, then the first doc_id.';
COMMENT ON COLUMN duplicate_clusters.relation IS 'representative; near-equal (word 5-gram Jaccard with the representative at least 0.8); or contained (at least 0.9 of its 5-grams are in the representative, e.g. a report inside the pack that holds it).';
COMMENT ON COLUMN duplicate_clusters.jaccard IS 'Jaccard similarity of its word 5-grams and the representative''s, exact (1 for the representative).';
COMMENT ON COLUMN duplicate_clusters.containment IS 'Share of its word 5-grams found in the representative, exact (1 for the representative).';
COMMENT ON COLUMN duplicate_clusters.reason IS 'Why the representative was chosen: contains the others, earliest reliable date, longest of the earliest dated, longest (undated), or first doc_id (same date and length).';
COMMENT ON COLUMN duplicate_clusters.clustered_at IS 'When the clusters were rebuilt (UTC).';

CREATE TABLE IF NOT EXISTS lexicon_terms (
    lexicon  VARCHAR NOT NULL,
    version  VARCHAR NOT NULL,
    term     VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    variants VARCHAR[] NOT NULL
);
COMMENT ON TABLE lexicon_terms IS 'The lexicons the current term_hits were matched with.';
COMMENT ON COLUMN lexicon_terms.lexicon IS 'Lexicon name.';
COMMENT ON COLUMN lexicon_terms.version IS 'Lexicon version (from its YAML file).';
COMMENT ON COLUMN lexicon_terms.term IS 'Canonical term.';
COMMENT ON COLUMN lexicon_terms.category IS 'Term category.';
COMMENT ON COLUMN lexicon_terms.variants IS 'Other spellings counted under the term.';

CREATE TABLE IF NOT EXISTS crawl_issues (
    source  VARCHAR NOT NULL,
    url     VARCHAR NOT NULL,
    reason  VARCHAR NOT NULL,
    detail  VARCHAR,
    seen_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE crawl_issues IS 'Pages that were fetched but yielded no document, and stored documents that could not be tokenised; and why.';
COMMENT ON COLUMN crawl_issues.source IS 'Source whose crawl met the page.';
COMMENT ON COLUMN crawl_issues.url IS 'Canonical URL of the page.';
COMMENT ON COLUMN crawl_issues.reason IS 'Short code: pdf-no-text-layer, pdf-unreadable, pdf-timeout (extraction ran past its time limit), pdf-crashed (the extracting process died, e.g. at its memory limit), pdf-out-of-memory, no-main-text, moderngov-public-pages (the ModernGov web service did not answer, so the crawl read the council''s public pages; not a failure), tokenise-failed (a stored document that could not be tokenised; its detail starts with ''document <doc_id>,'', and it is tried in at most three runs).';
COMMENT ON COLUMN crawl_issues.detail IS 'Human-readable explanation.';
COMMENT ON COLUMN crawl_issues.seen_at IS 'When the page was fetched (UTC); for tokenise-failed, when tokenising failed.';

CREATE TABLE IF NOT EXISTS fetch_log (
    run_id       VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    url          VARCHAR NOT NULL,
    status       INTEGER,
    error        VARCHAR NOT NULL,
    detail       VARCHAR,
    content_type VARCHAR,
    n_bytes      BIGINT,
    etag         VARCHAR,
    last_modified VARCHAR,
    fetched_at   TIMESTAMP NOT NULL
);
COMMENT ON TABLE fetch_log IS 'One row per request a crawl made (robots.txt aside), with what came back.';
COMMENT ON COLUMN fetch_log.run_id IS 'The crawl run (crawl_runs.run_id).';
COMMENT ON COLUMN fetch_log.source IS 'Source whose crawl made the request.';
COMMENT ON COLUMN fetch_log.url IS 'Canonical URL requested.';
COMMENT ON COLUMN fetch_log.status IS 'HTTP status of the response; NULL when there was none (timeout, refused, robots.txt).';
COMMENT ON COLUMN fetch_log.error IS 'Empty on success; else a short code. Failures: http-404, timeout, dns, connection-refused, connection-lost, redirect-loop, ... (crawl_runs.failures). Limits, not failures: robots-disallowed, offsite (a redirect to another host), too-large (a body over DOWNLOAD_MAXSIZE) (crawl_runs.not_fetched).';
COMMENT ON COLUMN fetch_log.detail IS 'The failure as the crawler reported it; NULL on success.';
COMMENT ON COLUMN fetch_log.content_type IS 'Content-Type header of the response.';
COMMENT ON COLUMN fetch_log.n_bytes IS 'Size of the response body in bytes.';
COMMENT ON COLUMN fetch_log.etag IS 'ETag header of the response, sent back as If-None-Match next time.';
COMMENT ON COLUMN fetch_log.last_modified IS 'Last-Modified header of the response, sent back as If-Modified-Since next time.';
COMMENT ON COLUMN fetch_log.fetched_at IS 'When the answer (or failure) arrived (UTC).';

CREATE TABLE IF NOT EXISTS crawl_runs (
    run_id              VARCHAR NOT NULL,
    source              VARCHAR NOT NULL,
    started_at          TIMESTAMP,
    finished_at         TIMESTAMP,
    pages_fetched       INTEGER NOT NULL,
    pages_not_modified  INTEGER NOT NULL,
    pages_failed        INTEGER NOT NULL,
    failures            MAP(VARCHAR, INTEGER),
    new_documents       INTEGER NOT NULL,
    duplicate_documents INTEGER NOT NULL,
    issues              INTEGER NOT NULL,
    pages_not_due       INTEGER DEFAULT 0,
    not_fetched         MAP(VARCHAR, INTEGER),
    truncated           BOOLEAN,
    PRIMARY KEY (run_id, source)
);
COMMENT ON TABLE crawl_runs IS 'What each crawl of each source did: one row per run and source.';
COMMENT ON COLUMN crawl_runs.run_id IS 'Identifier shared by all sources crawled together.';
COMMENT ON COLUMN crawl_runs.source IS 'Source name.';
COMMENT ON COLUMN crawl_runs.started_at IS 'First answer received (UTC).';
COMMENT ON COLUMN crawl_runs.finished_at IS 'Last answer received (UTC).';
COMMENT ON COLUMN crawl_runs.pages_fetched IS 'Requests answered with a body (2xx).';
COMMENT ON COLUMN crawl_runs.pages_not_modified IS 'Conditional requests answered 304 Not Modified: no download, no re-extraction.';
COMMENT ON COLUMN crawl_runs.pages_failed IS 'Requests that failed because of the site or the network (see failures and fetch_log); a limit of the crawl is not a failure (not_fetched). Each fetch_log row is counted once: fetched, not modified, failed, or in not_fetched.';
COMMENT ON COLUMN crawl_runs.failures IS 'Failed requests counted by error code, e.g. {http-404: 2}; NULL when none.';
COMMENT ON COLUMN crawl_runs.new_documents IS 'Documents whose text was not stored before.';
COMMENT ON COLUMN crawl_runs.duplicate_documents IS 'Documents found whose text was already stored (same text, any URL).';
COMMENT ON COLUMN crawl_runs.issues IS 'Pages that yielded no document (see crawl_issues).';
COMMENT ON COLUMN crawl_runs.pages_not_due IS 'Stored documents not asked about: checked within the source''s revisit_after (schema version 3).';
COMMENT ON COLUMN crawl_runs.not_fetched IS 'Distinct URLs the crawl did not fetch because of a limit, by reason (schema version 4): max-pages (found after max_pages requests), depth (more ordinary links from a start URL than LINK_DEPTH_LIMIT; pagination adds none), url-too-long (over URLLENGTH_LIMIT), too-large (body over DOWNLOAD_MAXSIZE), offsite (a link, list entry or redirect to a host not the source''s), robots-disallowed (robots.txt). too-large, offsite redirects and robots-disallowed have a fetch_log row with that error; the others were never requested and have none. A URL is counted once, and not at all if the crawl fetched it after all. Empty when nothing was left; for runs before version 4, only the robots-disallowed, offsite and too-large then counted in failures.';
COMMENT ON COLUMN crawl_runs.truncated IS 'True when a limit cut the crawl short: not_fetched has max-pages, depth, url-too-long or too-large (offsite and robots-disallowed are the source''s scope, not truncation). NULL for runs before schema version 4 that had no too-large: their depth and page limits were not recorded.';

CREATE TABLE IF NOT EXISTS runs (
    run_id      VARCHAR PRIMARY KEY,
    step        VARCHAR NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      VARCHAR NOT NULL,
    detail      VARCHAR
);
COMMENT ON TABLE runs IS 'Pipeline steps that wrote to this file, for provenance.';
COMMENT ON COLUMN runs.run_id IS 'Unique id of the step run.';
COMMENT ON COLUMN runs.step IS 'Step name: ingest, tokenise or merge (see corpus/runs.py).';
COMMENT ON COLUMN runs.started_at IS 'Start time (UTC).';
COMMENT ON COLUMN runs.finished_at IS 'End time (UTC); NULL if the step did not finish.';
COMMENT ON COLUMN runs.status IS 'running, completed, failed, or interrupted (killed part-way: the next step found it still running).';
COMMENT ON COLUMN runs.detail IS 'What the step did, as JSON (counts).';

CREATE TABLE IF NOT EXISTS audit_labels (
    hit_id           VARCHAR PRIMARY KEY,
    doc_id           VARCHAR NOT NULL,
    position         INTEGER NOT NULL,
    lexicon          VARCHAR NOT NULL,
    term             VARCHAR NOT NULL,
    category         VARCHAR NOT NULL,
    label            VARCHAR NOT NULL,
    counted          BOOLEAN NOT NULL,
    excluded_by      VARCHAR NOT NULL,
    labelled_file    VARCHAR NOT NULL,
    lexicon_versions VARCHAR NOT NULL,
    rule_signature   VARCHAR NOT NULL,
    stored_at        TIMESTAMP NOT NULL
);
COMMENT ON TABLE audit_labels IS 'Hand labels of sampled hits (marketspeak audit sample, then audit score; analysis/audit.py), one row per hit, a later label of the same hit replacing the earlier: scored into the precision of each count. A label says what the hit is in its context, so labels keep scoring the rules in use after they change; counted and excluded_by say how the rules stood when it was stored (schema version 12).';
COMMENT ON COLUMN audit_labels.hit_id IS 'The hit: h and the first 16 hex digits of the SHA-256 of doc_id, position and term joined by colons, so the same hit has the same id after a re-run.';
COMMENT ON COLUMN audit_labels.doc_id IS 'Document (documents.doc_id).';
COMMENT ON COLUMN audit_labels.position IS 'term_hits.position of the hit.';
COMMENT ON COLUMN audit_labels.lexicon IS 'Lexicon of the hit''s term.';
COMMENT ON COLUMN audit_labels.term IS 'The hit''s term (term_hits.term).';
COMMENT ON COLUMN audit_labels.category IS 'The term''s category when labelled.';
COMMENT ON COLUMN audit_labels.label IS 'COUNT (fair evidence for its category), NAME (inside a proper name or title), OTHER (another sense, or a formula not about the people served) or ERROR (not the word at all).';
COMMENT ON COLUMN audit_labels.counted IS 'hit_status.counted when the label was stored.';
COMMENT ON COLUMN audit_labels.excluded_by IS 'hit_status.excluded_by when the label was stored (empty when counted).';
COMMENT ON COLUMN audit_labels.labelled_file IS 'Name of the labelled CSV file the label came from.';
COMMENT ON COLUMN audit_labels.lexicon_versions IS 'Lexicon versions of the file when stored (lexicon_terms), e.g. ''market@2.0.0 relational@2.0.0''.';
COMMENT ON COLUMN audit_labels.rule_signature IS 'documents.lexicon_versions of the hit''s document when stored: the lexicon versions and name rule its hits were matched under, e.g. ''market@2.0.0 relational@2.0.0 names@2''.';
COMMENT ON COLUMN audit_labels.stored_at IS 'When the label was stored (UTC).';

-- Researcher-facing views ---------------------------------------------------------------

-- url_validators: what the next crawl sends with a conditional request for each URL that
-- served a stored document (including the duplicate URLs that were not stored again).
CREATE OR REPLACE VIEW url_validators AS
SELECT source, url, etag, last_modified FROM (
    SELECT f.source, f.url, f.etag, f.last_modified,
           row_number() OVER (PARTITION BY f.url ORDER BY f.fetched_at DESC) AS rn
    FROM fetch_log f JOIN document_urls u USING (url)
    WHERE f.status = 200 AND (f.etag IS NOT NULL OR f.last_modified IS NOT NULL)
) WHERE rn = 1;
COMMENT ON VIEW url_validators IS 'Latest ETag / Last-Modified of every URL that served a stored document.';

-- document_sources: which publishers serve each text now, one row per document and
-- source with a URL of that source that is not gone. A text two publishers carry (a joint
-- statement, a shared press release) has a row for each: it is each one's own document.
CREATE OR REPLACE VIEW document_sources AS
SELECT u.doc_id, u.source, s.kind AS source_kind, min(u.url) AS url, count(*) AS n_urls
FROM document_urls u
LEFT JOIN sources s ON s.name = u.source
WHERE u.gone_at IS NULL
GROUP BY ALL;
COMMENT ON VIEW document_sources IS 'Per current document and source serving it at a URL that is not gone: url (the first such URL of that source in sort order) and n_urls, how many. Per-source measures count a document for every source here; totals count it once.';

-- current_documents: the documents some URL not gone still serves. Nearly every measure
-- reads it, so it filters documents itself rather than through document_status.
CREATE OR REPLACE VIEW current_documents AS
SELECT d.*, CASE WHEN ds.reliable THEN d.published END AS trend_date
FROM documents d
LEFT JOIN date_sources ds USING (date_source)
WHERE d.doc_id IN (SELECT doc_id FROM document_urls WHERE gone_at IS NULL);
COMMENT ON VIEW current_documents IS 'Documents some URL still serves (a URL that answered 404 or 410 no longer does): an edited page''s earlier text and a removed page''s text stay in documents as history but leave this view. trend_date is published when its date_source is reliable, else NULL (counted as undated). source is where the text was first found; see document_sources for every source serving it.';

-- document_status: every stored text, current or not, with the date trends use (the same
-- rule as current_documents' trend_date, for texts that left it too).
CREATE OR REPLACE VIEW document_status AS
SELECT d.doc_id, c.doc_id IS NOT NULL AS is_current,
       CASE WHEN ds.reliable THEN d.published END AS trend_date
FROM documents d
LEFT JOIN date_sources ds USING (date_source)
LEFT JOIN (SELECT doc_id FROM current_documents) c USING (doc_id);
COMMENT ON VIEW document_status IS 'Per stored document: is_current (some URL still serves it: it is in current_documents) and trend_date (published when its date_source is reliable, else NULL).';

-- duplicate_members: the near-duplicates counted through another document of their
-- cluster (corpus/duplicates.py): their hits and words leave every measure.
CREATE OR REPLACE VIEW duplicate_members AS
SELECT doc_id, cluster_id, relation FROM duplicate_clusters WHERE NOT is_representative;
COMMENT ON VIEW duplicate_members IS 'duplicate_clusters members other than the representative: their hits are set aside as duplicate (hit_status) and their words leave english_documents.';

-- hit_status: every hit with the one rule measures follow: a hit counts when nothing set
-- it aside. term_hits.excluded_by holds the lexicon's rules (set when matching); a hit
-- starting in an other-language run (language_spans, found after tokenising) is set aside
-- as 'language' with the run's words. Runs of one document never overlap.
-- A hit starting in a run of its source's repeated paragraphs (boilerplate_spans,
-- corpus/boilerplate.py) is set aside as 'boilerplate'; its words stay counted.
CREATE OR REPLACE VIEW hit_status AS
SELECT h.* REPLACE (
           CASE WHEN h.excluded_by <> '' THEN h.excluded_by
                WHEN sp.doc_id IS NOT NULL THEN 'language'
                WHEN bp.doc_id IS NOT NULL THEN 'boilerplate'
                WHEN dm.doc_id IS NOT NULL THEN 'duplicate' ELSE '' END AS excluded_by,
           coalesce(h.excluded_by, '') = '' AND sp.doc_id IS NULL AND dm.doc_id IS NULL
               AND bp.doc_id IS NULL AS counted)
FROM term_hits h
LEFT JOIN language_spans sp
    ON sp.doc_id = h.doc_id AND h.position BETWEEN sp.first_position AND sp.last_position
LEFT JOIN duplicate_members dm ON dm.doc_id = h.doc_id
LEFT JOIN boilerplate_spans bp
    ON bp.doc_id = h.doc_id AND h.position BETWEEN bp.first_position AND bp.last_position;
COMMENT ON VIEW hit_status IS 'Every term_hits row with counted and excluded_by as measures read them: excluded_by is the lexicon rule that set the hit aside (formula:..., sense:...), else language when it starts in an other-language paragraph (language_spans), else boilerplate when it starts in a paragraph its source repeats across many documents (boilerplate_spans), else duplicate when its document is a duplicate_members row (counted once through its cluster''s representative), else empty; counted is true exactly when excluded_by is empty. Every measure counts only counted hits; kwic --all shows the others with their reason.';

CREATE OR REPLACE VIEW lexicon_hits AS
SELECT h.doc_id, d.source, s.kind AS source_kind, d.published, d.url, d.title,
       h.lexicon, h.term, h.category, h.position, h.n_tokens, h.matched,
       st.is_current, st.trend_date,
       CASE WHEN l.doc_id IS NOT NULL THEN coalesce(sp.language, 'en') END AS language,
       h.counted, h.excluded_by
FROM hit_status h
JOIN documents d USING (doc_id)
JOIN document_status st USING (doc_id)
LEFT JOIN sources s ON s.name = d.source
LEFT JOIN document_languages l USING (doc_id)
LEFT JOIN language_spans sp
    ON sp.doc_id = h.doc_id AND h.position BETWEEN sp.first_position AND sp.last_position;
COMMENT ON VIEW lexicon_hits IS 'term_hits with the date, source and URL of their document, superseded and removed texts included: is_current says whether some URL still serves the text, trend_date is the date trends use (NULL when published is missing or untrusted). Trends count only rows with is_current, by trend_date; source is where the text was first found (document_sources lists every source serving it). language is that of the paragraph the hit is in (en, or its language_spans run''s; NULL until the document''s languages are identified). counted and excluded_by are hit_status''s: trends count only counted hits.';

-- english_documents: the current, tokenised documents that rates count, with their English
-- word count (document_languages; all their words until their language is identified). A
-- document with no English paragraph at all (a Welsh-only page) is left out.
CREATE OR REPLACE VIEW english_documents AS
SELECT d.*, l.language, coalesce(l.english_words, d.n_words) AS english_words
FROM current_documents d
LEFT JOIN document_languages l USING (doc_id)
WHERE d.n_words IS NOT NULL AND (l.doc_id IS NULL OR l.language = 'en' OR l.english_words > 0)
  AND d.doc_id NOT IN (SELECT doc_id FROM duplicate_members);
COMMENT ON VIEW english_documents IS 'Current, tokenised documents with English text: language (dominant; NULL until identified) and english_words, the words of their English paragraphs. A near-duplicate counted through its cluster''s representative (duplicate_members) is left out. Every rate counts these documents and words only.';

-- english_hits: the hits measures count: counted, and outside every other-language run.
CREATE OR REPLACE VIEW english_hits AS
SELECT * FROM hit_status WHERE counted;
COMMENT ON VIEW english_hits IS 'The hits every measure counts: hit_status rows with counted true (no lexicon rule set them aside, and they are in English paragraphs; those starting inside a language_spans run are left out, as their words are).';

-- english_tokens: tokens outside every other-language run, for the word-frequency measures
-- (keyness, collocations): a Welsh passage's words are not key words nor collocates. A
-- near-duplicate's tokens are left out too, as its words are from every rate: a report
-- and its PDF would otherwise count each collocation twice.
CREATE OR REPLACE VIEW english_tokens AS
SELECT t.* FROM tokens t
ANTI JOIN language_spans sp
    ON sp.doc_id = t.doc_id AND t.position BETWEEN sp.first_position AND sp.last_position
ANTI JOIN duplicate_members dm ON dm.doc_id = t.doc_id;
COMMENT ON VIEW english_tokens IS 'tokens in English paragraphs of documents counted: those inside a language_spans run, and those of a near-duplicate counted through its cluster''s representative (duplicate_members), are left out. Keyness, collocations and compounds count these.';

-- document_counts: one row per current, tokenised text, whoever publishes it; the base of
-- every trend. Its source is where the text was first found (a matter of crawl order when
-- two publishers carry it): per-source measures read source_document_counts instead.
-- published is the same date under its name before schema version 13, kept for one release.
CREATE OR REPLACE VIEW document_counts AS
SELECT d.doc_id, d.source, s.kind AS source_kind, d.trend_date,
       d.english_words AS n_words,
       count(h.doc_id) FILTER (WHERE h.lexicon = 'market')     AS market_hits,
       count(h.doc_id) FILTER (WHERE h.lexicon = 'relational') AS relational_hits,
       count(h.doc_id) FILTER (WHERE h.lexicon = 'market' AND h.category = 'role')
                                                                AS market_role_hits,
       count(h.doc_id) FILTER (WHERE h.lexicon = 'relational' AND h.category = 'role')
                                                                AS relational_role_hits,
       d.trend_date AS published
FROM english_documents d
LEFT JOIN sources s ON s.name = d.source
LEFT JOIN english_hits h USING (doc_id)
GROUP BY ALL;
COMMENT ON VIEW document_counts IS 'Per current, tokenised document with English text: its English words (n_words), counted market/relational hits (english_hits) and, of those, the hits of role words (category role: the words naming the people served, which the naming index counts), dated by trend_date (a reliable date only). The base of every trend; source is where the text was first found (per-source measures use source_document_counts).';
COMMENT ON COLUMN document_counts.trend_date IS 'The date trends count the document under: documents.published when its date_source is reliable, else NULL (undated) (schema version 13; called published before).';
COMMENT ON COLUMN document_counts.n_words IS 'Word tokens in the document''s English paragraphs (english_documents.english_words): the denominator of every rate. Not documents.n_words, which counts every paragraph''s words.';
COMMENT ON COLUMN document_counts.published IS 'deprecated: use trend_date; removed in 0.3. The same value as trend_date (not documents.published: an untrusted date is NULL here).';

-- counted_document_sources: the sources each counted document counts for: those serving
-- it, and those serving a near-duplicate counted through it (a release two publishers
-- re-issued counts once for each, as an exact shared text does, and once in the totals).
CREATE OR REPLACE VIEW counted_document_sources AS
SELECT DISTINCT coalesce(dm.cluster_id, ds.doc_id) AS doc_id, ds.source, ds.source_kind
FROM document_sources ds
LEFT JOIN duplicate_members dm USING (doc_id);
COMMENT ON VIEW counted_document_sources IS 'Per counted document and source: document_sources, with a near-duplicate''s sources given to its cluster''s representative (duplicate_clusters), once per source. Per-source measures count a cluster once for every source serving a member.';

-- source_document_counts: document_counts once per source serving the text, with that
-- source and its kind, so that each publisher's measures count its own documents.
CREATE OR REPLACE VIEW source_document_counts AS
SELECT c.* REPLACE (ds.source AS source, ds.source_kind AS source_kind)
FROM document_counts c
JOIN counted_document_sources ds USING (doc_id);
COMMENT ON VIEW source_document_counts IS 'document_counts once per source serving the document or a near-duplicate of it (counted_document_sources): a text two publishers carry has a row for each. The base of trends by source and by kind.';

-- trend_documents(group_by): the documents each trend group counts. 'all': every current
-- tokenised text once (source and source_kind NULL); 'source': once per source serving
-- it; 'kind': once per kind of source serving it (two councils carrying one text count it
-- once for councils; source NULL).
CREATE OR REPLACE MACRO trend_documents(group_by) AS TABLE
SELECT * REPLACE (NULL::VARCHAR AS source, NULL::VARCHAR AS source_kind)
FROM document_counts WHERE group_by = 'all'
UNION ALL
SELECT * FROM source_document_counts WHERE group_by = 'source'
UNION ALL
SELECT DISTINCT * REPLACE (NULL::VARCHAR AS source)
FROM source_document_counts WHERE group_by = 'kind';

-- period_documents(period, group_by): the per-document, per-period rows every trend counts,
-- one row per document and group (trend_documents(group_by)) with the first day of its
-- period ('year', 'quarter' or 'month'; NULL when undated). trend_groups sums them for the
-- point estimates, term_trend takes its periods' documents and words from them, and the
-- bootstrap (analysis/uncertainty.py) resamples them, so all three count the same
-- documents.
CREATE OR REPLACE MACRO period_documents(period, group_by) AS TABLE
SELECT date_trunc(period, trend_date) AS period_start, doc_id, source, source_kind,
       n_words, market_hits, relational_hits, market_role_hits, relational_role_hits
FROM trend_documents(group_by);
COMMENT ON MACRO TABLE period_documents IS 'Per document, group and period: period_start (NULL when undated), doc_id, source, source_kind (as trend_documents(group_by)), n_words and the hit counts of document_counts. What trend_groups sums and the bootstrap resamples.';

-- The measures' formulas, each written once: trend_groups computes its point estimates
-- with trend_measures over a period's sums, and the bootstrap (analysis/uncertainty.py)
-- computes each resample's with it over the resampled sums. Each is NULL where its
-- denominator is 0.
-- per_million(hits, words): 1,000,000 x hits / words.
CREATE OR REPLACE MACRO per_million(hits, words) AS 1e6 * hits / nullif(words, 0);
COMMENT ON MACRO per_million IS 'Rate per million word tokens: 1e6 * hits / words; NULL when words is 0.';
-- index_share(part, other): part / (part + other).
CREATE OR REPLACE MACRO index_share(part, other) AS part / nullif(part + other, 0);
COMMENT ON MACRO index_share IS 'Share of part in part + other: the form of both indices; NULL when both are 0.';
-- trend_measures(n_words, market_hits, relational_hits, market_role_hits,
-- relational_role_hits): the four measures the bootstrap gives intervals for, from a
-- period's (or a resample's) sums. naming_index = market role hits / (market + relational
-- role hits): of the words naming the people served (lexicon category role: customer,
-- consumer, client, taxpayer ... against citizen, resident, people, patient, carer,
-- family, service user ...), the share that are market words. The headline measure.
-- market_share_index, the register index = market hits / (market + relational hits), over
-- every category (naming words, and words for the work done and its outcomes).
CREATE OR REPLACE MACRO trend_measures(
    n_words, market_hits, relational_hits, market_role_hits, relational_role_hits
) AS struct_pack(
    market_per_million := per_million(market_hits, n_words),
    relational_per_million := per_million(relational_hits, n_words),
    market_share_index := index_share(market_hits, relational_hits),
    naming_index := index_share(market_role_hits, relational_role_hits)
);
COMMENT ON MACRO trend_measures IS 'The trend measures from summed counts, as a struct: market_per_million, relational_per_million, market_share_index (the register index) and naming_index (the headline). trend_groups and the bootstrap both compute them here.';

-- trend_groups(period, group_by): one row per period ('year', 'quarter' or 'month') and
-- group, where group_by is 'all' (one group), 'source' or 'kind' (council, regulator, ...),
-- summing the rows period_documents(period, group_by) gives each group. period_start is
-- NULL for undated documents. n_words: English word tokens; rates are hits per million of
-- them (trend_measures); doc shares are the fraction of documents with at least one hit.
-- The source column is NULL unless group_by is 'source'; source_kind is NULL when group_by
-- is 'all'. n_tokens, the last column, is n_words under its name before schema version
-- 13, kept for one release (deprecated: use n_words; removed in 0.3).
CREATE OR REPLACE MACRO trend_groups(period, group_by) AS TABLE
WITH sums AS (
    SELECT period_start, source AS group_source, source_kind AS group_kind,
           count(*)                                    AS n_documents,
           sum(n_words)::BIGINT                        AS n_words,
           sum(market_hits)::BIGINT                    AS market_hits,
           sum(relational_hits)::BIGINT                AS relational_hits,
           avg((market_hits > 0)::INTEGER)             AS market_doc_share,
           avg((relational_hits > 0)::INTEGER)         AS relational_doc_share,
           sum(market_role_hits)::BIGINT               AS market_role_hits,
           sum(relational_role_hits)::BIGINT           AS relational_role_hits
    FROM period_documents(period, group_by)
    GROUP BY period_start, group_source, group_kind
), measured AS (
    SELECT *, trend_measures(n_words, market_hits, relational_hits,
                             market_role_hits, relational_role_hits) AS m
    FROM sums
)
SELECT period_start,
       group_source AS source,
       group_kind   AS source_kind,
       n_documents, n_words, market_hits, relational_hits,
       m.market_per_million, m.relational_per_million,
       market_doc_share, relational_doc_share,
       m.market_share_index,
       market_role_hits, relational_role_hits,
       m.naming_index,
       n_words      AS n_tokens
FROM measured
ORDER BY period_start NULLS LAST, group_kind, group_source;
COMMENT ON MACRO TABLE trend_groups IS 'Per period and group (all, source or kind): n_documents, n_words (English word tokens), hits, rates per million words, document shares, market_share_index (the register index), role hits and naming_index (the headline), over period_documents. n_tokens: deprecated: use n_words; removed in 0.3.';

-- trend_table(period, by_source): trend_groups per source when by_source is true, else
-- all sources together (kept for queries written against schema version 1).
CREATE OR REPLACE MACRO trend_table(period, by_source) AS TABLE
SELECT * FROM trend_groups(period, CASE WHEN by_source THEN 'source' ELSE 'all' END);

-- trend(period): all sources together.
CREATE OR REPLACE MACRO trend(period) AS TABLE
SELECT * EXCLUDE (source, source_kind) FROM trend_groups(period, 'all');

-- trend_by_source(period): one row per period and source.
CREATE OR REPLACE MACRO trend_by_source(period) AS TABLE
SELECT * FROM trend_groups(period, 'source');

-- trend_by_kind(period): one row per period and kind of source (council, regulator, ...).
CREATE OR REPLACE MACRO trend_by_kind(period) AS TABLE
SELECT * EXCLUDE (source) FROM trend_groups(period, 'kind');

-- term_trend(period): per period and term: hits, rate per million word tokens, and the
-- share of that period's documents that use the term, in English text only: the
-- documents and words of period_documents(period, 'all'), the hits of english_hits.
-- Terms never used are absent.
CREATE OR REPLACE MACRO term_trend(period) AS TABLE
WITH docs AS (
    SELECT period_start, doc_id, n_words FROM period_documents(period, 'all')
), totals AS (
    SELECT period_start, count(*) AS n_documents, sum(n_words) AS n_words
    FROM docs GROUP BY period_start
), hits AS (
    SELECT docs.period_start, h.lexicon, h.term,
           count(*) AS hits, count(DISTINCT h.doc_id) AS n_documents_with_term
    FROM english_hits h JOIN docs USING (doc_id)
    GROUP BY ALL
)
SELECT hits.period_start, hits.lexicon, hits.term, hits.hits::BIGINT AS hits,
       per_million(hits.hits, totals.n_words) AS per_million,
       hits.n_documents_with_term / totals.n_documents AS doc_share
FROM hits JOIN totals ON hits.period_start IS NOT DISTINCT FROM totals.period_start
ORDER BY hits.period_start NULLS LAST, hits.lexicon, hits.term;

CREATE OR REPLACE VIEW trend_yearly AS SELECT * FROM trend('year');
COMMENT ON VIEW trend_yearly IS 'trend(''year''): documents, English word tokens (n_words), hits, rates per million words, the register index (market_share_index) and the naming index per year.';
COMMENT ON COLUMN trend_yearly.n_words IS 'English word tokens of the year''s documents: the denominator of its rates.';
COMMENT ON COLUMN trend_yearly.n_tokens IS 'deprecated: use n_words; removed in 0.3. The same value as n_words (word tokens, not every token).';

CREATE OR REPLACE VIEW term_trend_yearly AS SELECT * FROM term_trend('year');
COMMENT ON VIEW term_trend_yearly IS 'term_trend(''year''): hits and rate per million English word tokens of each term per year.';

CREATE OR REPLACE VIEW v_kwic AS
SELECT h.lexicon, h.term, d.published, d.source, d.title, d.url, h.doc_id, h.position,
       (SELECT coalesce(string_agg(t.token, ' ' ORDER BY t.position), '') FROM tokens t
        WHERE t.doc_id = h.doc_id AND t.position >= h.position - 8 AND t.position < h.position)
           AS left_context,
       h.matched AS match,
       (SELECT coalesce(string_agg(t.token, ' ' ORDER BY t.position), '') FROM tokens t
        WHERE t.doc_id = h.doc_id AND t.position >= h.position + h.n_tokens
          AND t.position < h.position + h.n_tokens + 8) AS right_context,
       h.counted, h.excluded_by
FROM hit_status h JOIN current_documents d USING (doc_id);
COMMENT ON VIEW v_kwic IS 'Every lexicon hit, counted or not (counted and excluded_by as in hit_status), with 8 tokens of context either side, its document''s date, source, title and URL. Filter by term before reading: it is computed on demand.';

CREATE OR REPLACE VIEW v_index AS
SELECT period_start AS year_start, n_documents, n_words, market_hits, relational_hits,
       market_share_index, market_role_hits, relational_role_hits, naming_index, n_tokens
FROM trend('year');
COMMENT ON COLUMN v_index.n_words IS 'English word tokens of the year''s documents.';
COMMENT ON COLUMN v_index.n_tokens IS 'deprecated: use n_words; removed in 0.3. The same value as n_words.';
COMMENT ON VIEW v_index IS 'The two indices per year, with the documents and English word tokens (n_words) behind them: naming_index = market role hits / (market + relational role hits), the share of market words among the words naming the people served (the headline); market_share_index, the register index = market hits / (market + relational hits) over every category. trend(''quarter'') and trend(''month'') give other periods.';

CREATE OR REPLACE VIEW v_term_rates AS
SELECT period_start AS year_start, lexicon, term, hits, per_million, doc_share
FROM term_trend('year');
COMMENT ON VIEW v_term_rates IS 'Each term per year: hits, rate per million word tokens, share of documents using it.';

-- g2_cell(o, e): one cell's share of the log-likelihood G2; cells with o <= 0 give 0.
CREATE OR REPLACE MACRO g2_cell(o, e) AS
CASE WHEN o > 0 AND e > 0 THEN o * ln(o / e) ELSE 0 END;

-- collocate_counts(span, period, node): the counts every collocation score is computed
-- from, counted here once: around `node`, a lexicon term or any other word by its lemma
-- (lexicon is then NULL, and a hit of a term two lexicons list is one node), or, with node
-- NULL, around every lexicon term, each in its lexicon. Words are the word tokens (punctuation
-- skipped) of English paragraphs (english_tokens: a hit in a Welsh passage is no node),
-- numbered per document; a term's nodes are its counted hits (english_hits). Overall
-- (period 'all', period_start NULL) or per 'year', 'quarter' or 'month' (undated documents
-- then form a period with a NULL period_start). Counting follows #LancsBox: o11 = (node,
-- collocate) word-token pairs within `span` words either side of a node, in the same
-- document, a token inside two node windows counting twice, the node not its own
-- collocate; r1 = nodes * 2 * span; c1 = the collocate's frequency; n = word tokens.
-- lexicon_collocates scores these in SQL, analysis/collocations.py in Python.
CREATE OR REPLACE MACRO collocate_counts(span, period, node) AS TABLE
WITH words AS (
    SELECT t.doc_id, t.position, t.lemma,
           row_number() OVER (PARTITION BY t.doc_id ORDER BY t.position) - 1 AS wpos,
           CASE WHEN period = 'all' THEN NULL
                ELSE date_trunc(CASE WHEN period = 'all' THEN 'year' ELSE period END,
                                d.trend_date) END AS period_start
    FROM english_tokens t JOIN current_documents d USING (doc_id)
    WHERE t.is_word
), node_hits AS (
    SELECT CASE WHEN node IS NULL THEN lexicon END AS lexicon, term, doc_id, position,
           n_tokens
    FROM english_hits
    WHERE node IS NULL OR term = node
), nodes AS (
    -- A lexicon term: the word-token span of each hit.
    SELECT h.lexicon, h.term, h.doc_id, min(w.wpos) AS first_w, max(w.wpos) AS last_w,
           any_value(w.period_start) AS period_start
    FROM node_hits h
    JOIN words w ON w.doc_id = h.doc_id
                AND w.position BETWEEN h.position AND h.position + h.n_tokens - 1
    GROUP BY h.lexicon, h.term, h.doc_id, h.position
    UNION ALL
    -- Any other word: each token with that lemma.
    SELECT NULL, node, doc_id, wpos, wpos, period_start FROM words
    WHERE lemma = node AND NOT EXISTS (SELECT 1 FROM lexicon_terms WHERE term = node)
      AND NOT EXISTS (SELECT 1 FROM term_hits WHERE term = node)
), node_totals AS (
    SELECT period_start, lexicon, term, count(*) AS f_node FROM nodes GROUP BY ALL
), pairs AS (
    SELECT n.period_start, n.lexicon, n.term, w.lemma AS collocate, count(*) AS o11
    FROM nodes n
    JOIN words w ON w.doc_id = n.doc_id
                AND ((w.wpos BETWEEN n.first_w - span AND n.first_w - 1)
                  OR (w.wpos BETWEEN n.last_w + 1 AND n.last_w + span))
    GROUP BY ALL
), lemma_totals AS (
    SELECT period_start, lemma, count(*) AS c1 FROM words GROUP BY ALL
), corpus_totals AS (
    SELECT period_start, count(*) AS n FROM words GROUP BY ALL
)
SELECT p.period_start, p.lexicon, p.term, p.collocate, p.o11,
       nt.f_node * 2 * span AS r1, lt.c1, ct.n
FROM pairs p
JOIN node_totals nt ON nt.period_start IS NOT DISTINCT FROM p.period_start
                   AND nt.lexicon IS NOT DISTINCT FROM p.lexicon AND nt.term = p.term
JOIN lemma_totals lt ON lt.period_start IS NOT DISTINCT FROM p.period_start
                    AND lt.lemma = p.collocate
JOIN corpus_totals ct ON ct.period_start IS NOT DISTINCT FROM p.period_start;
COMMENT ON MACRO TABLE collocate_counts IS 'Collocation counts around node (a lexicon term or a word''s lemma; NULL: every lexicon term, per lexicon) within span words either side, overall (period ''all'') or per year, quarter or month: o11, r1, c1, n as #LancsBox counts them. lexicon_collocates and analysis/collocations.py score these.';

-- lexicon_collocates(span, period): every lexicon term's collocates, the counts of
-- collocate_counts(span, period, NULL) with their scores: e11 = r1 * c1 / n; ll = G2 over
-- the 2x2 table, negative when o11 < e11 (Dunning 1993); mi = log2(o11 / e11) (Church &
-- Hanks 1990); logdice = 14 + log2(2 * o11 / (r1 + c1)) (Rychly 2008); t = (o11 - e11) /
-- sqrt(o11). analysis.collocations.scores computes the same in Python for the CLI (a test
-- checks they agree).
CREATE OR REPLACE MACRO lexicon_collocates(span, period) AS TABLE
WITH cells AS (
    SELECT period_start, lexicon, term, collocate, o11, r1 * c1 / n AS e11, r1, c1, n
    FROM collocate_counts(span, period, NULL)
)
SELECT period_start, lexicon, term, collocate, o11, e11, r1, c1, n,
       sign(o11 - e11 + 0.0) * 2 * (
           g2_cell(o11, e11)
         + g2_cell(r1 - o11, r1 * (n - c1) / n)
         + g2_cell(c1 - o11, (n - r1) * c1 / n)
         + g2_cell(n - r1 - c1 + o11, (n - r1) * (n - c1) / n)) AS ll,
       log2(o11 / e11) AS mi,
       14 + log2(2 * o11 / (r1 + c1)) AS logdice,
       (o11 - e11) / sqrt(o11) AS t
FROM cells
ORDER BY period_start NULLS FIRST, lexicon, term, logdice DESC, collocate;

CREATE OR REPLACE VIEW v_collocates AS
SELECT * EXCLUDE (period_start) FROM lexicon_collocates(5, 'all');
COMMENT ON VIEW v_collocates IS 'Every lexicon term''s collocates within 5 words either side, over all current documents, with o11, e11, r1, c1, n and the scores ll (signed G2), mi, logdice and t; see lexicon_collocates(span, period) for the formulas and other windows or periods. Filter by term: it is computed on demand.';
