-- Trend rows for the CLI and charts: trend_groups() from corpus/schema.sql, per period and
-- group. Parameters: 1 = period ('year' | 'quarter' | 'month'), 2 = grouping ('all' |
-- 'source' | 'kind').
SELECT * FROM trend_groups(?, ?)
