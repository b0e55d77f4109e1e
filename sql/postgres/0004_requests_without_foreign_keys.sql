-- Requests arrive by the million, and the per-row foreign-key checks on units and agreements cost
-- more than the rest of an import together. The references stay whole without them: imports take
-- unit and agreement ids only from those tables, inside their transaction, and units and
-- agreements are never deleted (they are retired, or expire and are terminated), which the
-- triggers below now guarantee.

ALTER TABLE requests
    DROP CONSTRAINT requests_provider_id_fkey,
    DROP CONSTRAINT requests_client_id_fkey,
    DROP CONSTRAINT requests_agreement_id_fkey;

CREATE FUNCTION pacta_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% are never deleted: requests refer to them', TG_TABLE_NAME USING ERRCODE = 'restrict_violation'; END $$;

CREATE TRIGGER units_never_deleted BEFORE DELETE ON units
    FOR EACH ROW EXECUTE FUNCTION pacta_never_deleted();

CREATE TRIGGER units_never_truncated BEFORE TRUNCATE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION pacta_never_deleted();

CREATE TRIGGER agreements_never_deleted BEFORE DELETE ON agreements
    FOR EACH ROW EXECUTE FUNCTION pacta_never_deleted();

CREATE TRIGGER agreements_never_truncated BEFORE TRUNCATE ON agreements
    FOR EACH STATEMENT EXECUTE FUNCTION pacta_never_deleted();
