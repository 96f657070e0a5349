-- Trend rows for the CLI and charts: trend_table() from corpus/schema.sql, per period and
-- optionally per source. Parameters: 1 = period ('year' | 'quarter' | 'month'),
-- 2 = by source (boolean).
SELECT * FROM trend_table(?, ?)
