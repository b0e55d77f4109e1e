-- Perception surveys: campaigns over agreements, invitations reached through single-use links,
-- and answers that name no one. Nothing joins an answer to its invitation: the invitation only
-- knows that it was used, and the answer keeps its day, not its time. Answer ids are random, so
-- that their order tells nothing either.

ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    period TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    questionnaire TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed')),
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    reminder_days INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    opened_at INTEGER,
    closed_at INTEGER
);

CREATE TABLE campaign_agreements (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    period TEXT NOT NULL,
    PRIMARY KEY (campaign_id, agreement_id),
    UNIQUE (agreement_id, period)
);

CREATE TABLE campaign_guests (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    email TEXT NOT NULL,
    PRIMARY KEY (campaign_id, unit_id, email)
);

CREATE TABLE survey_invitations (
    id INTEGER PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    rater TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    email TEXT,
    used INTEGER NOT NULL DEFAULT 0,
    invited_at INTEGER,
    reminded_at INTEGER,
    UNIQUE (campaign_id, agreement_id, rater)
);

CREATE INDEX survey_invitations_user ON survey_invitations (user_id) WHERE used = 0;

CREATE TABLE survey_links (
    token_hash TEXT PRIMARY KEY,
    invitation_id BIGINT NOT NULL REFERENCES survey_invitations (id),
    created_at INTEGER NOT NULL
);

CREATE INDEX survey_links_invitation ON survey_links (invitation_id);

CREATE TABLE survey_answers (
    id INTEGER PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    answered_on TEXT NOT NULL,
    ratings TEXT NOT NULL,
    recommend INTEGER NOT NULL CHECK (recommend BETWEEN 0 AND 10),
    comment TEXT NOT NULL,
    import_key TEXT UNIQUE
);

CREATE INDEX survey_answers_campaign ON survey_answers (campaign_id, agreement_id);
