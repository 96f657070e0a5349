-- Word-token bigrams in which a given lemma is the first word ("customer journey") or the
-- second ("internal customer"), per period, over the English text of current documents
-- (english_tokens: a Welsh paragraph's quoted English is not a use).
-- A bigram is two word tokens next to each other in the stored token sequence of one
-- paragraph: a comma, full stop or other punctuation between them breaks it, so "the
-- customer. Service levels fell" is not "customer service". A lone hyphen token joins its
-- neighbours ("customer-facing" is stored as customer, -, facing, and counts as customer +
-- facing). Whitespace is not stored, so a spaced hyphen used as a dash ("customer - service")
-- joins too; en and em dashes and "--" do not.
-- One pass over the word and hyphen tokens (lead), no self-join, so memory does not grow
-- with the corpus; positions say whether the next kept token really is the next token
-- (other punctuation and other-language runs leave gaps).
-- Parameters: $lemmas (list of lemmas), $period ('year', 'quarter', 'month'),
-- $hyphens (the tokens that join two words).
WITH kept AS (
    SELECT t.lemma, t.is_word, t.paragraph, t.position, d.trend_date,
           lead(t.lemma) OVER next_token AS lemma_1,
           lead(t.is_word) OVER next_token AS word_1,
           lead(t.position) OVER next_token AS position_1,
           lead(t.paragraph) OVER next_token AS paragraph_1,
           lead(t.lemma, 2) OVER next_token AS lemma_2,
           lead(t.is_word, 2) OVER next_token AS word_2,
           lead(t.position, 2) OVER next_token AS position_2,
           lead(t.paragraph, 2) OVER next_token AS paragraph_2
    FROM english_tokens t JOIN current_documents d USING (doc_id)
    WHERE t.is_word OR list_contains($hyphens, t.token)
    WINDOW next_token AS (PARTITION BY t.doc_id ORDER BY t.position)
),
pairs AS (
    -- word, word: adjacent
    SELECT trend_date, lemma AS first, lemma_1 AS second
    FROM kept
    WHERE is_word AND word_1 AND position_1 = position + 1 AND paragraph_1 = paragraph
    UNION ALL
    -- word, hyphen, word
    SELECT trend_date, lemma AS first, lemma_2 AS second
    FROM kept
    WHERE is_word AND NOT word_1 AND position_1 = position + 1
      AND word_2 AND position_2 = position + 2 AND paragraph_2 = paragraph
)
SELECT date_trunc($period, trend_date) AS period_start, first, second, count(*) AS hits
FROM pairs
WHERE list_contains($lemmas, first) OR list_contains($lemmas, second)
GROUP BY ALL
