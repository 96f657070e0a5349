-- The words around each sampled hit (audit_sample registered): up to $width tokens either
-- side, and the hit's own tokens, each joined by single spaces (analysis/audit.py).
SELECT s.hit_id,
       coalesce(string_agg(t.token, ' ' ORDER BY t.position)
           FILTER (WHERE t.position < s.position), '') AS "left",
       coalesce(string_agg(t.token, ' ' ORDER BY t.position)
           FILTER (WHERE t.position >= s.position AND t.position < s.position + s.n_tokens),
           '') AS "match",
       coalesce(string_agg(t.token, ' ' ORDER BY t.position)
           FILTER (WHERE t.position >= s.position + s.n_tokens), '') AS "right"
FROM audit_sample s
JOIN tokens t ON t.doc_id = s.doc_id
             AND t.position BETWEEN s.position - $width AND s.position + s.n_tokens - 1 + $width
GROUP BY s.hit_id
