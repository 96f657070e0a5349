-- Version 8: every lexicon match stays in term_hits, and says whether measures count it
-- (counted) and, when not, which rule set it aside (excluded_by). Hits stored before were
-- all counted: they start so, and are classified by the lexicons' exclude rules when the
-- next run re-matches them from their stored tokens (lexicon versions changed with the
-- rules, so every document is re-matched).
ALTER TABLE term_hits ADD COLUMN IF NOT EXISTS counted BOOLEAN DEFAULT true;
ALTER TABLE term_hits ADD COLUMN IF NOT EXISTS excluded_by VARCHAR DEFAULT '';
