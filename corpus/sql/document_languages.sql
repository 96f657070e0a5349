-- One document_languages row per document in `identified` (corpus/language.py, _store),
-- after its language_spans are stored. Parameters: $detector, $at.
-- English words = the document's words less those of its other-language spans; the
-- dominant language has the most words, English winning ties (an empty text is English).
INSERT INTO document_languages
WITH other AS (
    SELECT doc_id, language, sum(n_words) AS n_words
    FROM language_spans JOIN identified USING (doc_id)
    GROUP BY ALL
), english AS (
    SELECT d.doc_id, 'en' AS language, d.n_words - coalesce(sum(o.n_words), 0) AS n_words
    FROM documents d JOIN identified USING (doc_id) LEFT JOIN other o USING (doc_id)
    GROUP BY d.doc_id, d.n_words
), every_language AS (
    SELECT * FROM english UNION ALL SELECT * FROM other
)
SELECT doc_id, arg_max(language, (n_words, language = 'en')),
       max(n_words) FILTER (WHERE language = 'en'), $detector, $at
FROM every_language
GROUP BY doc_id
