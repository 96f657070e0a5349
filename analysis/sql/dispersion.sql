-- Per lexicon term and source: hits and documents using it, with each source's size in
-- word tokens. Sources without a hit of a term appear with 0 (they still count as parts).
WITH parts AS (
    SELECT source, sum(n_words) AS part_size, count(*) AS part_documents
    FROM current_documents WHERE n_words IS NOT NULL GROUP BY source
), terms AS (
    SELECT DISTINCT lexicon, term FROM term_hits
), hits AS (
    SELECT d.source, h.lexicon, h.term, count(*) AS hits, count(DISTINCT h.doc_id) AS documents
    FROM term_hits h JOIN current_documents d USING (doc_id)
    GROUP BY ALL
)
SELECT t.lexicon, t.term, p.source, p.part_size, p.part_documents,
       coalesce(h.hits, 0) AS hits, coalesce(h.documents, 0) AS documents
FROM terms t CROSS JOIN parts p
LEFT JOIN hits h ON h.source = p.source AND h.lexicon = t.lexicon AND h.term = t.term
ORDER BY t.lexicon, t.term, p.source
