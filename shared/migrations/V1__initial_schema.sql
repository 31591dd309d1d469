-- FlowCoach initial schema. Every tenant-owned table carries coach_id so each
-- query can be scoped to one coach; composite foreign keys keep a row from
-- pointing at another coach's data.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TYPE coach_role AS ENUM ('coach', 'supervisor', 'admin');
CREATE TYPE session_kind AS ENUM ('one_to_one', 'group');
CREATE TYPE session_status AS ENUM ('awaiting_transcript', 'processing', 'ready', 'failed');
CREATE TYPE pipeline_stage AS ENUM ('chunk', 'analyse', 'embed', 'notify');
CREATE TYPE attendance AS ENUM ('attended', 'absent');
CREATE TYPE version_source AS ENUM ('ai', 'coach_edit', 'ai_refinement');
CREATE TYPE follow_up_status AS ENUM ('draft', 'approved', 'scheduled', 'sending', 'sent', 'failed', 'cancelled');
CREATE TYPE template_kind AS ENUM ('summary', 'follow_up');
CREATE TYPE job_status AS ENUM ('queued', 'running', 'done', 'dead');
CREATE TYPE email_status AS ENUM ('claimed', 'sent', 'failed', 'unknown');

CREATE TABLE coaches (
    id            uuid PRIMARY KEY,
    email         text NOT NULL,
    display_name  text NOT NULL,
    time_zone     text NOT NULL DEFAULT 'UTC',
    role          coach_role NOT NULL DEFAULT 'coach',
    settings      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX coaches_email_key ON coaches (lower(email));

-- A supervisor reads the analyses of the coaches linked here.
CREATE TABLE supervision_links (
    supervisor_id uuid NOT NULL REFERENCES coaches (id) ON DELETE CASCADE,
    coach_id      uuid NOT NULL REFERENCES coaches (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (supervisor_id, coach_id)
);

CREATE TABLE templates (
    id            uuid PRIMARY KEY,
    coach_id      uuid REFERENCES coaches (id) ON DELETE CASCADE, -- NULL: built-in
    kind          template_kind NOT NULL,
    name          text NOT NULL,
    subject       text NOT NULL DEFAULT '',
    body          text NOT NULL,
    instructions  text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX templates_coach_idx ON templates (coach_id);

CREATE TABLE clients (
    id                    uuid PRIMARY KEY,
    coach_id              uuid NOT NULL REFERENCES coaches (id) ON DELETE CASCADE,
    name                  text NOT NULL,
    email                 text,
    time_zone             text NOT NULL DEFAULT 'UTC',
    tags                  text[] NOT NULL DEFAULT '{}',
    consent_ai_processing boolean NOT NULL DEFAULT true,
    consent_email         boolean NOT NULL DEFAULT false,
    notes                 text NOT NULL DEFAULT '',
    archived              boolean NOT NULL DEFAULT false,
    follow_up_template_id uuid REFERENCES templates (id) ON DELETE SET NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (coach_id, id)
);
CREATE INDEX clients_coach_created_idx ON clients (coach_id, created_at DESC, id DESC);

CREATE TABLE sessions (
    id                  uuid PRIMARY KEY,
    coach_id            uuid NOT NULL REFERENCES coaches (id) ON DELETE CASCADE,
    title               text NOT NULL,
    kind                session_kind NOT NULL DEFAULT 'one_to_one',
    held_at             timestamptz NOT NULL,
    duration_seconds    integer,
    coach_speaker_label text,
    status              session_status NOT NULL DEFAULT 'awaiting_transcript',
    stage               pipeline_stage,
    failure_stage       pipeline_stage,
    failure_reason      text,
    -- Bumped by every reprocess; stage idempotency keys include it.
    generation          integer NOT NULL DEFAULT 0,
    transcript_key      text,
    transcript_format   text,
    transcript_size     bigint,
    transcript_sha256   text,
    transcript_language text,
    transcript_filename text,
    speakers            jsonb NOT NULL DEFAULT '[]'::jsonb,
    unmatched_speakers  text[] NOT NULL DEFAULT '{}',
    metrics             jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (coach_id, id)
);
CREATE INDEX sessions_coach_created_idx ON sessions (coach_id, created_at DESC, id DESC);
-- The same transcript bytes give one session per coach (inbox drops, retried uploads).
CREATE UNIQUE INDEX sessions_coach_transcript_key ON sessions (coach_id, transcript_sha256)
    WHERE transcript_sha256 IS NOT NULL;

CREATE TABLE client_sessions (
    session_id    uuid NOT NULL,
    client_id     uuid NOT NULL,
    coach_id      uuid NOT NULL,
    speaker_label text,
    attendance    attendance NOT NULL DEFAULT 'attended',
    PRIMARY KEY (session_id, client_id),
    FOREIGN KEY (coach_id, session_id) REFERENCES sessions (coach_id, id) ON DELETE CASCADE,
    FOREIGN KEY (coach_id, client_id) REFERENCES clients (coach_id, id) ON DELETE CASCADE
);
CREATE INDEX client_sessions_client_idx ON client_sessions (coach_id, client_id);

-- Marks a pipeline stage done for one generation of one session's transcript.
CREATE TABLE stage_runs (
    coach_id          uuid NOT NULL,
    session_id        uuid NOT NULL,
    generation        integer NOT NULL,
    stage             pipeline_stage NOT NULL,
    transcript_sha256 text NOT NULL,
    completed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, generation, stage),
    FOREIGN KEY (coach_id, session_id) REFERENCES sessions (coach_id, id) ON DELETE CASCADE
);

CREATE TABLE transcript_chunks (
    id          uuid PRIMARY KEY,
    coach_id    uuid NOT NULL,
    session_id  uuid NOT NULL,
    generation  integer NOT NULL,
    ordinal     integer NOT NULL,
    speakers    text[] NOT NULL,
    start_ms    bigint,
    end_ms      bigint,
    body        text NOT NULL,
    word_count  integer NOT NULL,
    search_text tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (session_id, generation, ordinal),
    FOREIGN KEY (coach_id, session_id) REFERENCES sessions (coach_id, id) ON DELETE CASCADE
);
CREATE INDEX transcript_chunks_coach_idx ON transcript_chunks (coach_id, session_id);
CREATE INDEX transcript_chunks_search_idx ON transcript_chunks USING gin (search_text);

-- Narrow on purpose: exact nearest-neighbour scans per coach stay fast when
-- vectors are not stored beside wide text rows.
CREATE TABLE chunk_embeddings (
    chunk_id   uuid PRIMARY KEY REFERENCES transcript_chunks (id) ON DELETE CASCADE,
    coach_id   uuid NOT NULL,
    session_id uuid NOT NULL,
    model      text NOT NULL,
    embedding  vector(384) NOT NULL
);
CREATE INDEX chunk_embeddings_coach_idx ON chunk_embeddings (coach_id);

CREATE TABLE summaries (
    id              uuid PRIMARY KEY,
    coach_id        uuid NOT NULL,
    session_id      uuid NOT NULL UNIQUE,
    current_version integer NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (coach_id, session_id) REFERENCES sessions (coach_id, id) ON DELETE CASCADE
);

CREATE TABLE summary_versions (
    id          uuid PRIMARY KEY,
    summary_id  uuid NOT NULL REFERENCES summaries (id) ON DELETE CASCADE,
    coach_id    uuid NOT NULL,
    session_id  uuid NOT NULL,
    version     integer NOT NULL,
    generation  integer NOT NULL,
    source      version_source NOT NULL,
    instruction text,
    model       text,
    template_id uuid,
    content     jsonb NOT NULL,
    created_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (summary_id, version)
);
-- The analyse stage's idempotency key: one AI analysis per generation.
CREATE UNIQUE INDEX summary_versions_ai_generation_key ON summary_versions (session_id, generation)
    WHERE source = 'ai';

CREATE TABLE summary_embeddings (
    summary_version_id uuid PRIMARY KEY REFERENCES summary_versions (id) ON DELETE CASCADE,
    coach_id           uuid NOT NULL,
    session_id         uuid NOT NULL,
    model              text NOT NULL,
    embedding          vector(384) NOT NULL
);
CREATE INDEX summary_embeddings_coach_idx ON summary_embeddings (coach_id);

CREATE TABLE commitments (
    id                 uuid PRIMARY KEY,
    coach_id           uuid NOT NULL,
    session_id         uuid NOT NULL,
    summary_version_id uuid NOT NULL REFERENCES summary_versions (id) ON DELETE CASCADE,
    client_id          uuid,
    owner              text NOT NULL,
    body               text NOT NULL,
    due_on             date,
    quote              text NOT NULL,
    FOREIGN KEY (coach_id, session_id) REFERENCES sessions (coach_id, id) ON DELETE CASCADE
);
CREATE INDEX commitments_due_idx ON commitments (coach_id, due_on);

CREATE TABLE follow_ups (
    id                  uuid PRIMARY KEY,
    coach_id            uuid NOT NULL,
    session_id          uuid NOT NULL,
    client_id           uuid NOT NULL,
    generation          integer NOT NULL,
    template_id         uuid,
    status              follow_up_status NOT NULL DEFAULT 'draft',
    current_version     integer NOT NULL,
    scheduled_at        timestamptz,
    sent_at             timestamptz,
    provider_message_id text,
    failure_reason      text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- The analyse stage's idempotency key for drafts.
    UNIQUE (session_id, client_id, generation),
    FOREIGN KEY (coach_id, session_id) REFERENCES sessions (coach_id, id) ON DELETE CASCADE,
    FOREIGN KEY (coach_id, client_id) REFERENCES clients (coach_id, id) ON DELETE CASCADE
);
CREATE INDEX follow_ups_session_idx ON follow_ups (coach_id, session_id);

CREATE TABLE follow_up_versions (
    id           uuid PRIMARY KEY,
    follow_up_id uuid NOT NULL REFERENCES follow_ups (id) ON DELETE CASCADE,
    coach_id     uuid NOT NULL,
    version      integer NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    source       version_source NOT NULL,
    instruction  text,
    model        text,
    created_by   uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (follow_up_id, version)
);

-- Outbound email claims: a row is written before the provider is called, so a
-- crash after the claim leaves it visibly 'claimed'/'unknown' instead of re-sending.
CREATE TABLE emails (
    id                  uuid PRIMARY KEY,
    coach_id            uuid NOT NULL,
    dedup_key           text NOT NULL UNIQUE,
    status              email_status NOT NULL DEFAULT 'claimed',
    recipient           text NOT NULL,
    subject             text NOT NULL,
    provider_message_id text,
    failure_reason      text,
    claimed_at          timestamptz NOT NULL DEFAULT now(),
    finished_at         timestamptz
);
CREATE INDEX emails_coach_idx ON emails (coach_id);

-- Append-only: no foreign keys, so erasure leaves its own record behind.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    coach_id    uuid NOT NULL,
    actor_id    uuid,
    action      text NOT NULL,
    entity_type text NOT NULL,
    entity_id   uuid,
    request_id  text,
    details     jsonb NOT NULL DEFAULT '{}'::jsonb,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_coach_idx ON audit_log (coach_id, at DESC);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

-- The local durable queue (SQS takes this role on AWS).
CREATE TABLE jobs (
    id               uuid PRIMARY KEY,
    queue            text NOT NULL,
    payload          jsonb NOT NULL,
    dedup_key        text,
    status           job_status NOT NULL DEFAULT 'queued',
    attempts         integer NOT NULL DEFAULT 0,
    max_attempts     integer NOT NULL,
    run_after        timestamptz NOT NULL DEFAULT now(),
    lease_token      uuid,
    lease_expires_at timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_claim_idx ON jobs (queue, run_after) WHERE status IN ('queued', 'running');
-- A message already waiting is not enqueued twice.
CREATE UNIQUE INDEX jobs_pending_dedup_key ON jobs (dedup_key) WHERE status IN ('queued', 'running');

-- API Idempotency-Key records (DynamoDB takes this role on AWS).
CREATE TABLE idempotency_records (
    coach_id      uuid NOT NULL,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    status_code   integer,
    response_body bytea,
    content_type  text,
    location      text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (coach_id, key)
);
