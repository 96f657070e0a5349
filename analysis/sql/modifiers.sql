-- Word-token bigrams in which a given lemma is the first word ("customer journey") or the
-- second ("internal customer"), per period, over the English text of current documents
-- (english_tokens: a Welsh paragraph's quoted English is not a use). Each word is paired
-- with the next word of its document (lead), within a paragraph: one pass over the
-- tokens, no self-join, so memory does not grow with the corpus.
-- Parameters: $lemmas (list of lemmas), $period ('year', 'quarter', 'month').
WITH words AS (
    SELECT t.lemma, t.paragraph, d.trend_date,
           lead(t.lemma) OVER next_word AS next_lemma,
           lead(t.paragraph) OVER next_word AS next_paragraph
    FROM english_tokens t JOIN current_documents d USING (doc_id)
    WHERE t.is_word
    WINDOW next_word AS (PARTITION BY t.doc_id ORDER BY t.position)
)
SELECT date_trunc($period, trend_date) AS period_start, lemma AS first, next_lemma AS second,
       count(*) AS hits
FROM words
WHERE next_paragraph = paragraph
  AND (list_contains($lemmas, lemma) OR list_contains($lemmas, next_lemma))
GROUP BY ALL
