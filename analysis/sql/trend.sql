-- Trend rows for the CLI and charts: trend_groups() from corpus/schema.sql, per period and
-- group, without n_tokens (the deprecated name of n_words, kept in the schema for
-- researchers' queries until 0.3). Parameters: 1 = period ('year' | 'quarter' | 'month'),
-- 2 = grouping ('all' | 'source' | 'kind').
SELECT * EXCLUDE (n_tokens) FROM trend_groups(?, ?)
