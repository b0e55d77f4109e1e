-- Integrity: calendars get an owner unit; each version keeps the format of its document and, when
-- it was signed before calendars were part of what is signed, the calendars it is measured on
-- (frozen when this migration first ran, and recorded in the ledger); agreements remember the
-- latest version both sides signed; signatures and API tokens record how and by whom they were
-- made; a password change can end a person's sessions; an append-only, hash-chained ledger of the
-- agreement lifecycle; login throttling shared by every instance.

ALTER TABLE calendars ADD COLUMN owner_unit_id BIGINT REFERENCES units (id);

ALTER TABLE agreement_versions ADD COLUMN format INTEGER NOT NULL DEFAULT 1;

ALTER TABLE agreement_versions ADD COLUMN calendars TEXT;

ALTER TABLE agreements ADD COLUMN signed_version INTEGER;

ALTER TABLE signatures ADD COLUMN channel TEXT NOT NULL DEFAULT 'unknown';

ALTER TABLE signatures ADD COLUMN token_id BIGINT;

ALTER TABLE api_tokens ADD COLUMN created_by BIGINT REFERENCES users (id);

ALTER TABLE api_tokens ADD COLUMN created_via TEXT NOT NULL DEFAULT 'unknown';

ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

UPDATE agreements SET signed_version = (
    SELECT MAX(p.version) FROM signatures p JOIN signatures c ON c.agreement_id = p.agreement_id AND c.version = p.version AND c.side = 'client'
    WHERE p.agreement_id = agreements.id AND p.side = 'provider'
);

CREATE TABLE ledger (
    seq BIGINT PRIMARY KEY,
    recorded_at TIMESTAMPTZ NOT NULL,
    event TEXT NOT NULL,
    agreement TEXT NOT NULL,
    version INTEGER,
    actor TEXT NOT NULL,
    data TEXT NOT NULL,
    previous TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);

CREATE INDEX ledger_agreement ON ledger (agreement, seq);

CREATE FUNCTION pacta_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the % table is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation'; END $$;

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION pacta_append_only();

CREATE TRIGGER ledger_never_truncated BEFORE TRUNCATE ON ledger
    FOR EACH STATEMENT EXECUTE FUNCTION pacta_append_only();

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    blocked_until TIMESTAMPTZ
);

-- Session keys are stored as hashes from now on: sessions stored before cannot be found again.
DELETE FROM persist WHERE key LIKE 'session.%';
