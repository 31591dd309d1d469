-- Refinement (issue 12): a version rewritten by the language model keeps the
-- instruction and the model (columns since V1); now also what it was charged
-- and the version it was made from, and a revert is a version of its own.
ALTER TYPE version_source ADD VALUE IF NOT EXISTS 'revert';

ALTER TABLE follow_up_versions
    ADD COLUMN usage    jsonb,
    ADD COLUMN based_on integer;

ALTER TABLE summary_versions
    ADD COLUMN based_on integer;
