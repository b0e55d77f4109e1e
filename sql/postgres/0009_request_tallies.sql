-- What each hard commitment of an agreement counted, month by month (in the zone of the
-- commitment's calendar): requests, met and missed among those whose milestone happened, and the
-- business seconds to each resolution for percentile commitments. Kept in the transaction that
-- changes the requests (an import, a signature that matches requests again), so that reports add
-- months up instead of reading every request. Requests still waiting for a milestone are counted
-- among `requests` only; reports measure them at their own instant (index below).
--
-- The row with commitment '' counts every request of the agreement opened in the month in the
-- organisation's zone (`opened_on`): an agreement's weight in its units' compliance.
-- `request_tally_bases` names the signed terms the tallies were counted on: tallies of other
-- terms are not used, and are counted again.

CREATE TABLE request_tallies (
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    commitment TEXT NOT NULL,
    month TEXT NOT NULL,
    requests BIGINT NOT NULL,
    met BIGINT NOT NULL,
    missed BIGINT NOT NULL,
    settled_through BIGINT NOT NULL,
    durations TEXT NOT NULL,
    PRIMARY KEY (agreement_id, commitment, month)
);

CREATE TABLE request_tally_bases (
    agreement_id BIGINT PRIMARY KEY REFERENCES agreements (id),
    basis TEXT NOT NULL
);

CREATE INDEX requests_waiting ON requests (agreement_id, opened_at) WHERE resolved_at IS NULL OR first_response_at IS NULL;
