-- Per-term trend rows: term_trend() from corpus/schema.sql. Parameter 1 = period.
SELECT * FROM term_trend(?)
