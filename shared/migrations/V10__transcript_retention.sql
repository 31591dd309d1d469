-- Retention: the daily purge removes a session's transcript (object, utterances,
-- chunks, embeddings) once it is older than the coach's retention setting, and
-- marks the session, which keeps its summary unless the coach chose otherwise.
ALTER TABLE sessions ADD COLUMN transcript_purged_at timestamptz;

-- The purge looks for sessions that still hold a transcript, oldest first.
CREATE INDEX sessions_retention_idx ON sessions (held_at)
    WHERE transcript_purged_at IS NULL AND transcript_key IS NOT NULL;

-- When each daily job last ran: the claim that keeps two servers (or a
-- restarted one) from running the same day's purge twice.
CREATE TABLE maintenance_runs (
    job         text PRIMARY KEY,
    last_run_at timestamptz NOT NULL
);
