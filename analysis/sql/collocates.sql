-- Collocation counts for one node (a lexicon term, or a word by its lemma), overall or per
-- period. Counting is on word tokens only (punctuation skipped) of English paragraphs
-- (english_tokens: a hit in a Welsh passage is no node), renumbered per document.
-- O11: (node, collocate) pairs within $window word tokens either side of the node, in the
-- same document; a token inside two node windows counts twice. The node itself is not its
-- own collocate. R1 = f(node) * 2 * window; C1 = f(collocate); N = word tokens.
-- Parameters: $term, $window, $by_period (boolean), $period ('year', 'quarter' or 'month').
WITH words AS (
    SELECT t.doc_id, t.position, t.lemma,
           row_number() OVER (PARTITION BY t.doc_id ORDER BY t.position) - 1 AS wpos,
           CASE WHEN $by_period THEN date_trunc($period, d.trend_date)
                ELSE DATE '0001-01-01' END AS period_start
    FROM english_tokens t JOIN current_documents d USING (doc_id)
    WHERE t.is_word
), nodes AS (
    -- Lexicon term: the word-token span of each hit the measures count.
    SELECT h.doc_id, min(w.wpos) AS first_w, max(w.wpos) AS last_w,
           any_value(w.period_start) AS period_start
    FROM english_hits h
    JOIN words w ON w.doc_id = h.doc_id
                AND w.position BETWEEN h.position AND h.position + h.n_tokens - 1
    WHERE h.term = $term
    GROUP BY h.doc_id, h.position
    UNION ALL
    -- Any other word: each token with that lemma.
    SELECT doc_id, wpos, wpos, period_start FROM words
    WHERE lemma = $term AND NOT EXISTS (SELECT 1 FROM lexicon_terms WHERE term = $term)
      AND NOT EXISTS (SELECT 1 FROM term_hits WHERE term = $term)
), node_totals AS (
    SELECT period_start, count(*) AS f_node FROM nodes GROUP BY period_start
), pairs AS (
    SELECT n.period_start, w.lemma AS collocate, count(*) AS o11
    FROM nodes n
    JOIN words w ON w.doc_id = n.doc_id
                AND ((w.wpos BETWEEN n.first_w - $window AND n.first_w - 1)
                  OR (w.wpos BETWEEN n.last_w + 1 AND n.last_w + $window))
    GROUP BY ALL
), lemma_totals AS (
    SELECT period_start, lemma, count(*) AS c1 FROM words GROUP BY ALL
), corpus_totals AS (
    SELECT period_start, count(*) AS n FROM words GROUP BY ALL
)
SELECT p.period_start, p.collocate, p.o11, nt.f_node * 2 * $window AS r1, lt.c1, ct.n
-- Undated documents have a NULL period_start and form a period of their own.
FROM pairs p
JOIN node_totals nt ON nt.period_start IS NOT DISTINCT FROM p.period_start
JOIN lemma_totals lt ON lt.period_start IS NOT DISTINCT FROM p.period_start
                    AND lt.lemma = p.collocate
JOIN corpus_totals ct ON ct.period_start IS NOT DISTINCT FROM p.period_start
