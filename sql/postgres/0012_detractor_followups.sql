-- Closing the loop with detractors: every detractor answer with a comment opens a follow-up for
-- each provider unit whose support lines cover its channel or transaction type, in the answer's
-- transaction. A follow-up is also a request (provider: the supporting unit, client: the unit its
-- support line serves, priority NPS, external_ref NPS-<id>; opened when the customer answered,
-- first response when contacted, resolved when closed), so that an agreement's
-- first_response_within commitment for priority NPS promises a time to contact in business time.

-- The unit a support line serves: the client of the follow-ups it opens. Without one, follow-ups
-- are kept but are not requests (no agreement could promise them).
ALTER TABLE nps_support ADD COLUMN client_id BIGINT REFERENCES units (id);

-- `version` counts the follow-up's changes; the request mirrors `mirrored_version` of them.
-- The two differ until the request is written, which Pacta does right after each change and
-- again every minute for whatever a change left behind.
CREATE TABLE nps_followups (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    response_id BIGINT NOT NULL REFERENCES nps_responses (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    client_id BIGINT REFERENCES units (id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'contacted', 'closed')),
    owner TEXT,
    opened_at TIMESTAMPTZ NOT NULL,
    contacted_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    version BIGINT NOT NULL DEFAULT 1,
    mirrored_version BIGINT NOT NULL DEFAULT 0,
    UNIQUE (response_id, unit_id)
);

CREATE INDEX nps_followups_unit ON nps_followups (unit_id, status, opened_at);

CREATE INDEX nps_followups_unmirrored ON nps_followups (id) WHERE mirrored_version < version;

-- What was done on a follow-up, in order: a note, a change of status or owner, or several at once.
CREATE TABLE nps_followup_notes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    followup_id BIGINT NOT NULL REFERENCES nps_followups (id),
    at TIMESTAMPTZ NOT NULL,
    author TEXT NOT NULL,
    status TEXT,
    owner TEXT,
    text TEXT NOT NULL DEFAULT ''
);

CREATE INDEX nps_followup_notes_followup ON nps_followup_notes (followup_id, id);
