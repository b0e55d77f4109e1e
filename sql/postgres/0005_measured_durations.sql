-- Business time measured when a request is imported: seconds to the first response and to the
-- resolution on the calendar of its agreement's time commitments, and the fingerprint of that
-- calendar's rules (zone, hours, holidays). Reports use them while the fingerprint still matches
-- the calendar a commitment runs on, and measure again otherwise.

ALTER TABLE requests ADD COLUMN measured_calendar BIGINT;

ALTER TABLE requests ADD COLUMN first_response_seconds BIGINT;

ALTER TABLE requests ADD COLUMN resolution_seconds BIGINT;
