-- The follow-up lifecycle (issue 10): 'unknown' is a follow-up handed to the
-- mail provider whose outcome was never recorded; the coach resolves it.
ALTER TYPE follow_up_status ADD VALUE IF NOT EXISTS 'unknown' AFTER 'cancelled';

-- The version an approval pinned: the one that is sent, whatever happens after.
ALTER TABLE follow_ups
    ADD COLUMN approved_version integer,
    ADD COLUMN approved_at timestamptz;

-- The coach's follow-up list, newest first, optionally by status.
CREATE INDEX follow_ups_coach_created_idx ON follow_ups (coach_id, created_at DESC, id DESC);
