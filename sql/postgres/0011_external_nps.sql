-- External NPS (SPEC "nps response"): the customers' 0–10 answers, the registry of touchpoints
-- and transaction types they answer about, and counts kept up to date as answers arrive so that
-- dashboards never read the answers themselves: per touchpoint × transaction × day, and three
-- roll-ups of it (per channel × transaction × day; per touchpoint × month and × quarter).

-- A touchpoint (a branch, an ATM, a contact-centre queue, an app screen, a correspondent) on
-- one channel. `reviewed` is false for one registered by an answer that named it first.
CREATE TABLE nps_touchpoints (
    code TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    name TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    reviewed BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX nps_touchpoints_channel ON nps_touchpoints (channel, code);

CREATE TABLE nps_transactions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    reviewed BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);

-- `answered_on` is the local date of `answered_at` in the organisation's zone, the day the
-- answer counts in. Sending an `external_ref` again updates its answer.
CREATE TABLE nps_responses (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_ref TEXT NOT NULL UNIQUE,
    answered_at TIMESTAMPTZ NOT NULL,
    answered_on TEXT NOT NULL,
    channel TEXT NOT NULL,
    touchpoint TEXT NOT NULL,
    transaction_code TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment TEXT NOT NULL DEFAULT '',
    received_at TIMESTAMPTZ NOT NULL
);

-- The comments feed, newest first.
CREATE INDEX nps_responses_comments ON nps_responses (answered_at) WHERE comment <> '';

CREATE TABLE nps_daily (
    day TEXT NOT NULL,
    touchpoint TEXT NOT NULL,
    transaction_code TEXT NOT NULL,
    channel TEXT NOT NULL,
    promoters INTEGER NOT NULL,
    passives INTEGER NOT NULL,
    detractors INTEGER NOT NULL,
    PRIMARY KEY (day, touchpoint, transaction_code)
);

CREATE INDEX nps_daily_transaction ON nps_daily (transaction_code, day);

CREATE TABLE nps_channel_daily (
    day TEXT NOT NULL,
    channel TEXT NOT NULL,
    transaction_code TEXT NOT NULL,
    promoters INTEGER NOT NULL,
    passives INTEGER NOT NULL,
    detractors INTEGER NOT NULL,
    PRIMARY KEY (day, channel, transaction_code)
);

-- Per touchpoint and quarter too: a quarter's ranking of tens of thousands of touchpoints reads
-- one row each instead of three.
CREATE TABLE nps_touchpoint_quarterly (
    quarter TEXT NOT NULL,
    touchpoint TEXT NOT NULL,
    channel TEXT NOT NULL,
    promoters INTEGER NOT NULL,
    passives INTEGER NOT NULL,
    detractors INTEGER NOT NULL,
    PRIMARY KEY (quarter, touchpoint)
);

CREATE TABLE nps_touchpoint_monthly (
    month TEXT NOT NULL,
    touchpoint TEXT NOT NULL,
    channel TEXT NOT NULL,
    promoters INTEGER NOT NULL,
    passives INTEGER NOT NULL,
    detractors INTEGER NOT NULL,
    PRIMARY KEY (month, touchpoint)
);

-- The public rating page's cooldown: one answer per device and touchpoint until `until`. The key
-- is a hash of the device's cookie and the touchpoint; nothing else about the device is kept.
CREATE TABLE nps_rating_cooldowns (
    device_key TEXT PRIMARY KEY,
    until TIMESTAMPTZ NOT NULL
);

-- The support map (SPEC): which provider units support which channels and transaction types. A
-- row names a channel, a transaction type or both ('' for any); a provider's NPS is that of the
-- answers matching any of its rows, each answer counted once.
CREATE TABLE nps_support (
    unit_id BIGINT NOT NULL REFERENCES units (id),
    channel TEXT NOT NULL,
    transaction_code TEXT NOT NULL,
    CHECK (channel <> '' OR transaction_code <> ''),
    PRIMARY KEY (unit_id, channel, transaction_code)
);
