-- Hard indicators: service requests from ticket tools, one per (provider, external_ref).

CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    provider_id BIGINT NOT NULL REFERENCES units (id),
    external_ref TEXT NOT NULL,
    client_id BIGINT NOT NULL REFERENCES units (id),
    service TEXT NOT NULL,
    priority TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    opened_on TEXT NOT NULL,
    first_response_at INTEGER,
    resolved_at INTEGER,
    pauses TEXT NOT NULL,
    agreement_id BIGINT REFERENCES agreements (id),
    imported_at INTEGER NOT NULL,
    UNIQUE (provider_id, external_ref)
);

CREATE INDEX requests_agreement_opened ON requests (agreement_id, opened_at);

CREATE INDEX requests_unmatched ON requests (provider_id, client_id) WHERE agreement_id IS NULL;
