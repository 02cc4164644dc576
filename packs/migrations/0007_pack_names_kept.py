"""Packs issued before they kept their committee's and directorate's names: the names they have now (on
PostgreSQL the read-only trigger is set aside for this one update, as the migration runs as the tables'
owner); then the trigger guards the names too."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION packs_pack_read_only() RETURNS trigger AS $$
BEGIN
    -- The one change allowed: forgetting the account of a user who is deleted (the name stays).
    IF TG_OP = 'UPDATE' AND NEW.issued_by_id IS NULL
       AND (NEW.id, NEW.committee_id, NEW.quarter_id, NEW.directorate_id, NEW.committee_name,
            NEW.directorate_name, NEW.meeting_date, NEW.version, NEW.issued_by_name, NEW.issued_at,
            NEW.data_version, NEW.contents::text, NEW.part_a_pdf, NEW.part_b_pdf, NEW.part_a_docx,
            NEW.part_b_docx, NEW.sha256::text, NEW.fingerprint)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.committee_id, OLD.quarter_id, OLD.directorate_id, OLD.committee_name,
            OLD.directorate_name, OLD.meeting_date, OLD.version, OLD.issued_by_name, OLD.issued_at,
            OLD.data_version, OLD.contents::text, OLD.part_a_pdf, OLD.part_b_pdf, OLD.part_a_docx,
            OLD.part_b_docx, OLD.sha256::text, OLD.fingerprint) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'an issued committee pack is never changed or deleted: issue a new version';
END;
$$ LANGUAGE plpgsql;
"""
BACKFILL = """
UPDATE packs_pack SET committee_name = c.name FROM packs_committee c
    WHERE c.id = packs_pack.committee_id AND packs_pack.committee_name = '';
UPDATE packs_pack SET directorate_name = d.name FROM organisation_directorate d
    WHERE d.id = packs_pack.directorate_id AND packs_pack.directorate_name = '';
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE packs_pack DISABLE TRIGGER packs_pack_read_only")
        schema_editor.execute(BACKFILL)
        schema_editor.execute("ALTER TABLE packs_pack ENABLE TRIGGER packs_pack_read_only")
        schema_editor.execute(FUNCTION)
    else:
        Pack = apps.get_model("packs", "Pack")
        for pack in Pack.objects.select_related("committee", "directorate").filter(committee_name=""):
            Pack.objects.filter(pk=pack.pk).update(committee_name=pack.committee.name,
                                                   directorate_name=pack.directorate.name if pack.directorate else "")


class Migration(migrations.Migration):
    dependencies = [("packs", "0006_pack_names_and_fingerprint")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
