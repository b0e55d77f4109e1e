-- What each hard commitment of an agreement counted, month by month (in the zone of the
-- commitment's calendar): requests, met and missed among those whose outcome can no longer
-- change, and the business seconds to each resolution for percentile commitments. Counted again
-- in the transaction that changes the requests (an import, a signature that matches requests
-- again), so that reports add months up instead of reading every request. `waiting` lists the
-- ids of the requests whose milestone had not happened, within the target, at `counted_at`
-- (Unix seconds): reports measure those at their own instant.
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
    waiting TEXT NOT NULL,
    counted_at BIGINT NOT NULL,
    PRIMARY KEY (agreement_id, commitment, month)
);

CREATE TABLE request_tally_bases (
    agreement_id BIGINT PRIMARY KEY REFERENCES agreements (id),
    basis TEXT NOT NULL
);
