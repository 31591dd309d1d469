-- On AWS a coach is the Cognito user (`sub`), not an email address: emails
-- change and can be re-assigned. NULL until the coach first signs in there.
ALTER TABLE coaches ADD COLUMN cognito_sub text;
CREATE UNIQUE INDEX coaches_cognito_sub_key ON coaches (cognito_sub);
