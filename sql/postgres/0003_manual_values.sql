-- Values of `manual` commitments, entered by a manager per period with the evidence behind them.

CREATE TABLE manual_values (
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    commitment TEXT NOT NULL,
    period TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    evidence TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (agreement_id, commitment, period)
);
