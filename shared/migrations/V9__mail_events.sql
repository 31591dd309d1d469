-- SES bounce and complaint events name the message the provider accepted;
-- the mail-events function finds its follow-up (and coach) by that id.
CREATE INDEX follow_ups_provider_message_idx ON follow_ups (provider_message_id)
    WHERE provider_message_id IS NOT NULL;
