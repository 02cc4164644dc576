"""On PostgreSQL an issued pack refuses UPDATE and DELETE at the database: its files stay as issued by any
route (the model refuses too, on every database)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION packs_pack_read_only() RETURNS trigger AS $$
BEGIN
    -- The one change allowed: forgetting the account of a user who is deleted (the name stays).
    IF TG_OP = 'UPDATE' AND NEW.issued_by_id IS NULL
       AND (NEW.id, NEW.committee_id, NEW.quarter_id, NEW.directorate_id, NEW.meeting_date, NEW.version,
            NEW.issued_by_name, NEW.issued_at, NEW.data_version, NEW.contents::text, NEW.part_a_pdf,
            NEW.part_b_pdf, NEW.part_a_docx, NEW.part_b_docx, NEW.sha256::text)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.committee_id, OLD.quarter_id, OLD.directorate_id, OLD.meeting_date, OLD.version,
            OLD.issued_by_name, OLD.issued_at, OLD.data_version, OLD.contents::text, OLD.part_a_pdf,
            OLD.part_b_pdf, OLD.part_a_docx, OLD.part_b_docx, OLD.sha256::text) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'an issued committee pack is never changed or deleted: issue a new version';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER packs_pack_read_only
    BEFORE UPDATE OR DELETE ON packs_pack
    FOR EACH ROW EXECUTE FUNCTION packs_pack_read_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS packs_pack_read_only ON packs_pack;
DROP FUNCTION IF EXISTS packs_pack_read_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("packs", "0003_role_permissions")]
    operations = [migrations.RunPython(forward, backward)]
