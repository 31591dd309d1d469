-- Commitment reminders (issue 10): a coach marks a commitment done or
-- dropped so it leaves the daily digest. The digest itself is claimed in
-- `emails` (one dedup key per coach and local day), like any email.

CREATE TYPE commitment_status AS ENUM ('open', 'done', 'dropped');

ALTER TABLE commitments
    ADD COLUMN status            commitment_status NOT NULL DEFAULT 'open',
    ADD COLUMN status_changed_at timestamptz;

-- The digest's and the list's question: a coach's open commitments by due date.
CREATE INDEX commitments_open_due_idx ON commitments (coach_id, due_on) WHERE status = 'open';
