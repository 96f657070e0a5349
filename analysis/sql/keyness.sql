-- Word (lemma) frequencies in a focus and a reference period, over word tokens of current
-- documents with a reliable date, in English paragraphs (english_tokens). Parameters: $focus_from, $focus_to, $ref_from, $ref_to.
-- The tokens of a lexicon hit set aside by a rule (hit_status: "person" in "no person
-- shall") are left out, as other-language words are, so a lexicon term's frequency is
-- that of its counted hits.
WITH aside AS (
    SELECT doc_id, position, position + n_tokens - 1 AS last_position
    FROM hit_status WHERE NOT counted AND excluded_by <> 'language'
), words AS (
    SELECT t.lemma,
           d.trend_date BETWEEN $focus_from AND $focus_to AS in_focus,
           d.trend_date BETWEEN $ref_from AND $ref_to AS in_reference
    FROM english_tokens t JOIN current_documents d USING (doc_id)
    ANTI JOIN aside a
        ON a.doc_id = t.doc_id AND t.position BETWEEN a.position AND a.last_position
    WHERE t.is_word AND d.trend_date IS NOT NULL
)
SELECT lemma,
       count(*) FILTER (WHERE in_focus) AS focus_freq,
       count(*) FILTER (WHERE in_reference) AS reference_freq,
       sum(count(*) FILTER (WHERE in_focus)) OVER () AS focus_size,
       sum(count(*) FILTER (WHERE in_reference)) OVER () AS reference_size
FROM words
WHERE in_focus OR in_reference
GROUP BY lemma
