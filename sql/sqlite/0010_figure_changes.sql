-- When a closed period's figures changed, and why: data for a month that had ended arrived (or
-- was corrected), a revision was signed and every period is measured on its terms, a manual value
-- was entered, survey answers were imported or a campaign closed. One row per agreement and month
-- each time; `detail` names what changed (a version, a commitment, a campaign).

CREATE TABLE figure_changes (
    id INTEGER PRIMARY KEY,
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    month TEXT NOT NULL,
    changed_at INTEGER NOT NULL,
    cause TEXT NOT NULL CHECK (cause IN ('requests', 'revision', 'manual_value', 'survey_answers')),
    actor TEXT NOT NULL,
    detail TEXT NOT NULL
);

CREATE INDEX figure_changes_agreement ON figure_changes (agreement_id, month);
