-- Follow-up delivery (issue 10): addresses a coach may no longer write to,
-- and the dispatcher's view of what is due.

-- Per coach: a client who unsubscribed from one coach's follow-ups may
-- still hear from another. Addresses are stored lower-cased.
CREATE TABLE suppressions (
    coach_id   uuid NOT NULL REFERENCES coaches (id) ON DELETE CASCADE,
    email      text NOT NULL,
    reason     text NOT NULL CHECK (reason IN ('unsubscribed', 'bounced', 'complained')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coach_id, email)
);

-- Due follow-ups, oldest first, for the dispatcher's claim.
CREATE INDEX follow_ups_due_idx ON follow_ups (scheduled_at, id) WHERE status = 'scheduled';
-- Hand-offs whose outcome never came back, for the sweep.
CREATE INDEX follow_ups_sending_idx ON follow_ups (updated_at) WHERE status = 'sending';
