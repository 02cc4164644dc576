"""The read-only trigger of issued packs guards their covering report too (PostgreSQL)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION packs_pack_read_only() RETURNS trigger AS $$
BEGIN
    -- The one change allowed: forgetting the account of a user who is deleted (the name stays).
    IF TG_OP = 'UPDATE' AND NEW.issued_by_id IS NULL
       AND (NEW.id, NEW.committee_id, NEW.quarter_id, NEW.directorate_id, NEW.committee_name,
            NEW.directorate_name, NEW.meeting_date, NEW.version, NEW.issued_by_name, NEW.issued_at,
            NEW.data_version, NEW.contents::text, NEW.covering::text, NEW.part_a_pdf, NEW.part_b_pdf,
            NEW.part_a_docx, NEW.part_b_docx, NEW.sha256::text, NEW.fingerprint)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.committee_id, OLD.quarter_id, OLD.directorate_id, OLD.committee_name,
            OLD.directorate_name, OLD.meeting_date, OLD.version, OLD.issued_by_name, OLD.issued_at,
            OLD.data_version, OLD.contents::text, OLD.covering::text, OLD.part_a_pdf, OLD.part_b_pdf,
            OLD.part_a_docx, OLD.part_b_docx, OLD.sha256::text, OLD.fingerprint) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'an issued committee pack is never changed or deleted: issue a new version';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [("packs", "0008_covering_report")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
