-- Foundation: units, users and their credentials, sessions, calendars, agreements and signatures.

CREATE TABLE units (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent_id BIGINT REFERENCES units (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'rater', 'viewer')),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE persist (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    expires_at TIMESTAMPTZ
);

CREATE INDEX persist_expires_at ON persist (expires_at);

CREATE TABLE calendars (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    hours TEXT NOT NULL,
    holidays TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE agreements (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('draft', 'pending_signatures', 'active', 'expired', 'terminated')),
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    provider_id BIGINT NOT NULL REFERENCES units (id),
    client_id BIGINT NOT NULL REFERENCES units (id),
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    termination_reason TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX agreements_provider ON agreements (provider_id);
CREATE INDEX agreements_client ON agreements (client_id);

CREATE TABLE agreement_versions (
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    supersedes INTEGER,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (agreement_id, version)
);

CREATE TABLE signatures (
    agreement_id BIGINT NOT NULL,
    version INTEGER NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('provider', 'client')),
    signer TEXT NOT NULL,
    signer_name TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    signed_at TIMESTAMPTZ NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (agreement_id, version, side),
    FOREIGN KEY (agreement_id, version) REFERENCES agreement_versions (agreement_id, version)
);
