-- Per lexicon term and source: hits and documents using it, with each source's size in
-- word tokens, in English text only (english_hits, as document_counts' words). Sources without a hit of a term appear with 0 (they still count as parts).
-- A source's part is every document it serves (source_document_counts), so a text two
-- publishers carry is in both parts; term_hits, term_documents and corpus_documents count
-- each text once.
WITH parts AS (
    SELECT source, sum(n_words) AS part_size, count(*) AS part_documents
    FROM source_document_counts GROUP BY source
), terms AS (
    SELECT h.lexicon, h.term, count(*) AS term_hits, count(DISTINCT h.doc_id) AS term_documents
    FROM english_hits h JOIN document_counts USING (doc_id)
    GROUP BY ALL
), hits AS (
    SELECT c.source, h.lexicon, h.term, count(*) AS hits, count(DISTINCT h.doc_id) AS documents
    FROM english_hits h JOIN source_document_counts c USING (doc_id)
    GROUP BY ALL
)
SELECT t.lexicon, t.term, p.source, p.part_size, p.part_documents,
       coalesce(h.hits, 0) AS hits, coalesce(h.documents, 0) AS documents,
       t.term_hits, t.term_documents,
       (SELECT count(*) FROM document_counts) AS corpus_documents
FROM terms t CROSS JOIN parts p
LEFT JOIN hits h ON h.source = p.source AND h.lexicon = t.lexicon AND h.term = t.term
ORDER BY t.lexicon, t.term, p.source
