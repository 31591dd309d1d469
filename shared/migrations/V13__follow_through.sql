-- Follow-through (issue 12): what a later session said became of a client's
-- commitment. Keyed by the commitment as `commitments::inherit_status`
-- matches it (its session, owner and text), since a summary's new version
-- copies its commitments under new ids; one report per later session, the
-- newest analysis of that session replacing the last.
CREATE TYPE follow_through_outcome AS ENUM ('done', 'not_done', 'not_mentioned');

CREATE TABLE follow_through_reports (
    coach_id           uuid NOT NULL,
    session_id         uuid NOT NULL,
    owner              text NOT NULL,
    body               text NOT NULL,
    reported_in        uuid NOT NULL,
    generation         integer NOT NULL,
    outcome            follow_through_outcome NOT NULL,
    quote              text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coach_id, session_id, owner, body, reported_in),
    FOREIGN KEY (coach_id, session_id) REFERENCES sessions (coach_id, id) ON DELETE CASCADE,
    FOREIGN KEY (coach_id, reported_in) REFERENCES sessions (coach_id, id) ON DELETE CASCADE
);
CREATE INDEX follow_through_reports_reported_idx ON follow_through_reports (coach_id, reported_in);
