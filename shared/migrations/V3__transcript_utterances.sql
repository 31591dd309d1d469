-- The chunk stage's normalised utterances, one row per generation, so the
-- analyse stage reads them here instead of fetching and parsing the
-- transcript again. Transcript text, like transcript_chunks: it goes with
-- the session.
CREATE TABLE transcript_utterances (
    coach_id   uuid NOT NULL,
    session_id uuid NOT NULL,
    generation integer NOT NULL,
    utterances jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, generation),
    FOREIGN KEY (coach_id, session_id) REFERENCES sessions (coach_id, id) ON DELETE CASCADE
);
