-- What a language model was sent and charged for an analysis (calls, prompt,
-- cached and completion tokens, cost at the configured prices, claims dropped
-- as ungrounded): kept per summary version, NULL for the local analyser.
ALTER TABLE summary_versions ADD COLUMN usage jsonb;
