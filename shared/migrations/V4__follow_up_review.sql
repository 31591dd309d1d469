-- A draft held for the coach's review (its session raised an urgent risk
-- flag): why, in counts and categories only. Approving the draft clears it.
ALTER TABLE follow_ups ADD COLUMN review_reason text;
