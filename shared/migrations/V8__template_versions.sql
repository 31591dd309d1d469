-- Templates API (issue 10): every change of a template is a new version, and
-- a draft records the version it was written from. Deleting a coach's
-- template archives it, so the drafts made from it still name what they
-- came from.

ALTER TABLE templates
    ADD COLUMN current_version integer NOT NULL DEFAULT 1,
    ADD COLUMN archived_at     timestamptz;

CREATE TABLE template_versions (
    template_id  uuid NOT NULL REFERENCES templates (id) ON DELETE CASCADE,
    coach_id     uuid, -- NULL: built-in
    version      integer NOT NULL,
    name         text NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    instructions text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (template_id, version)
);

INSERT INTO template_versions (template_id, coach_id, version, name, subject, body, instructions, created_at)
SELECT id, coach_id, 1, name, subject, body, instructions, created_at FROM templates;

ALTER TABLE follow_ups ADD COLUMN template_version integer;
