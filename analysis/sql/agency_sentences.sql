-- The sentences that hold a lexicon hit, token by token, for the agency measure. A sentence
-- ends after '.', '!' or '?' and at a paragraph break. Sentences longer than $max_tokens
-- are skipped (usually run-together lists or tables, which parse badly and slowly).
-- Parameters: $period ('year', 'quarter' or 'month'), $max_tokens.
-- Result: one row per token of each such sentence, in order, with sentence_key grouping them.
WITH marked AS (
    SELECT t.doc_id, t.position, t.token, t.paragraph,
           coalesce(lag(t.token IN ('.', '!', '?')) OVER w, false)
             OR t.paragraph <> coalesce(lag(t.paragraph) OVER w, t.paragraph) AS starts
    FROM tokens t
    WHERE t.doc_id IN (SELECT doc_id FROM term_hits)
    WINDOW w AS (PARTITION BY t.doc_id ORDER BY t.position)
), numbered AS (
    SELECT doc_id, position, token,
           sum(starts::INTEGER) OVER (PARTITION BY doc_id ORDER BY position) AS sentence
    FROM marked
), sized AS (
    SELECT *, count(*) OVER (PARTITION BY doc_id, sentence) AS n_sentence_tokens,
           min(position) OVER (PARTITION BY doc_id, sentence) AS first_position
    FROM numbered
), wanted AS (
    SELECT DISTINCT s.doc_id, s.sentence
    FROM term_hits h
    JOIN sized s ON s.doc_id = h.doc_id AND s.position = h.position
    WHERE s.n_sentence_tokens <= $max_tokens
)
SELECT s.doc_id || ':' || s.sentence AS sentence_key,
       date_trunc($period, d.trend_date) AS period_start,
       s.position, s.first_position, s.token
FROM sized s
JOIN wanted USING (doc_id, sentence)
JOIN current_documents d USING (doc_id)
ORDER BY s.doc_id, s.position
