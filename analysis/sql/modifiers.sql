-- Word-token bigrams in which a given lemma is the first word ("customer journey") or the
-- second ("internal customer"), per period, over current documents.
-- Parameters: $lemmas (list of lemmas), $period ('year', 'quarter', 'month').
WITH words AS (
    SELECT t.doc_id, t.lemma, d.trend_date,
           row_number() OVER (PARTITION BY t.doc_id ORDER BY t.position) AS wpos,
           t.paragraph
    FROM tokens t JOIN current_documents d USING (doc_id)
    WHERE t.is_word
), bigrams AS (
    SELECT a.lemma AS first, b.lemma AS second, date_trunc($period, a.trend_date) AS period_start
    FROM words a
    JOIN words b ON b.doc_id = a.doc_id AND b.wpos = a.wpos + 1 AND b.paragraph = a.paragraph
    WHERE a.lemma IN (SELECT unnest($lemmas)) OR b.lemma IN (SELECT unnest($lemmas))
)
SELECT period_start, first, second, count(*) AS hits
FROM bigrams
GROUP BY ALL
