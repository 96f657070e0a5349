-- Concordance (key word in context) lines for one term.
-- A lexicon term is found through term_hits (so "customer journey" is one match); any other
-- word is matched on its lemma in tokens. Context is `width` tokens either side.
-- Parameters: $term, $width, $source, $date_from, $date_to (NULLs mean no filter), $all.
-- A source's lines are those of every document it serves (document_sources), a text it
-- shares with another publisher included, and give its source and its URL for them.
-- A lexicon term's lines are its counted hits (hit_status), or with $all every hit, each
-- with the rule that set it aside (excluded_by, empty when counted); other words are
-- never set aside.
WITH matches AS (
    SELECT doc_id, position, n_tokens, excluded_by FROM hit_status
    WHERE term = $term AND (counted OR $all)
    UNION ALL
    SELECT doc_id, position, 1, '' FROM tokens
    WHERE lemma = $term AND NOT EXISTS (SELECT 1 FROM lexicon_terms WHERE term = $term)
      AND NOT EXISTS (SELECT 1 FROM term_hits WHERE term = $term)
), lines AS (
    SELECT m.doc_id, m.position, any_value(m.excluded_by) AS excluded_by,
           string_agg(t.token, ' ' ORDER BY t.position)
               FILTER (WHERE t.position < m.position) AS left_context,
           string_agg(t.token, ' ' ORDER BY t.position)
               FILTER (WHERE t.position >= m.position AND t.position < m.position + m.n_tokens)
               AS match,
           string_agg(t.token, ' ' ORDER BY t.position)
               FILTER (WHERE t.position >= m.position + m.n_tokens) AS right_context
    FROM matches m
    JOIN tokens t ON t.doc_id = m.doc_id
                 AND t.position BETWEEN m.position - $width AND m.position + m.n_tokens - 1 + $width
    GROUP BY m.doc_id, m.position
)
SELECT d.published, coalesce(s.source, d.source) AS source, d.title,
       coalesce(s.url, d.url) AS url, l.doc_id, l.position,
       coalesce(l.left_context, '') AS left_context, l.match,
       coalesce(l.right_context, '') AS right_context, l.excluded_by
FROM lines l
JOIN current_documents d USING (doc_id)
LEFT JOIN document_sources s ON s.doc_id = d.doc_id AND s.source = $source
WHERE ($source IS NULL OR s.source IS NOT NULL)
  AND ($date_from IS NULL OR d.published >= $date_from)
  AND ($date_to IS NULL OR d.published <= $date_to)
ORDER BY d.published NULLS LAST, l.doc_id, l.position
