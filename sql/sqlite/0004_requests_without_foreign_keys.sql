-- Requests arrive by the million, and per-row foreign-key checks on units and agreements are a
-- large part of an import. The references stay whole without them: imports take unit and
-- agreement ids only from those tables, inside their transaction, and units and agreements are
-- never deleted (they are retired, or expire and are terminated), which the triggers below now
-- guarantee. SQLite drops a constraint by rebuilding the table.

CREATE TABLE requests_rebuilt (
    id INTEGER PRIMARY KEY,
    provider_id BIGINT NOT NULL,
    external_ref TEXT NOT NULL,
    client_id BIGINT NOT NULL,
    service TEXT NOT NULL,
    priority TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    opened_on TEXT NOT NULL,
    first_response_at INTEGER,
    resolved_at INTEGER,
    pauses TEXT NOT NULL,
    agreement_id BIGINT,
    imported_at INTEGER NOT NULL,
    UNIQUE (provider_id, external_ref)
);

INSERT INTO requests_rebuilt SELECT id, provider_id, external_ref, client_id, service, priority, opened_at, opened_on,
    first_response_at, resolved_at, pauses, agreement_id, imported_at FROM requests;

DROP TABLE requests;

ALTER TABLE requests_rebuilt RENAME TO requests;

CREATE INDEX requests_agreement_opened ON requests (agreement_id, opened_at);

CREATE INDEX requests_unmatched ON requests (provider_id, client_id) WHERE agreement_id IS NULL;

CREATE TRIGGER units_never_deleted BEFORE DELETE ON units BEGIN SELECT RAISE(ABORT, 'units are never deleted: requests refer to them'); END;

CREATE TRIGGER agreements_never_deleted BEFORE DELETE ON agreements BEGIN SELECT RAISE(ABORT, 'agreements are never deleted: requests refer to them'); END;
