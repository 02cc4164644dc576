"""Entries written before the trail said what they are about: a risk's by its reference (a risk action's
label starts with it), placements' by their record type or import kind. On PostgreSQL the read-only trigger is
set aside for this one update (the migration runs as the table's owner), then guards the new columns too."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION organisation_auditevent_read_only() RETURNS trigger AS $$
BEGIN
    -- The one change allowed: forgetting the account of a user who is deleted (the name stays in "who").
    IF TG_OP = 'UPDATE' AND NEW.user_id IS NULL
       AND (NEW.id, NEW."when", NEW.who, NEW.action, NEW.object_type, NEW.object_label, NEW.period_id,
            NEW.detail, NEW.reason, NEW.about, NEW.about_id)
           IS NOT DISTINCT FROM
           (OLD.id, OLD."when", OLD.who, OLD.action, OLD.object_type, OLD.object_label, OLD.period_id,
            OLD.detail, OLD.reason, OLD.about, OLD.about_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is read-only: entries are never changed or deleted';
END;
$$ LANGUAGE plpgsql;
"""


def backfill(apps):
    AuditEvent = apps.get_model("organisation", "AuditEvent")
    Risk = apps.get_model("risks", "Risk")
    by_reference = dict(Risk.objects.values_list("reference", "pk"))
    for event in AuditEvent.objects.filter(about="").only("pk", "object_type", "object_label").iterator():
        about, about_id = "", None
        if event.object_type == "Risk":
            about, about_id = "risk", by_reference.get(event.object_label)
        elif event.object_type == "Risk action":
            about, about_id = "risk", by_reference.get(event.object_label.split(":", 1)[0])
        elif event.object_type.startswith("Placement") or (
                event.object_type == "Import" and event.object_label.split(":", 1)[0] == "placements"):
            about = "placements"
        if about:
            AuditEvent.objects.filter(pk=event.pk).update(about=about, about_id=about_id)


def forward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE organisation_auditevent DISABLE TRIGGER organisation_auditevent_read_only")
    backfill(apps)
    if postgres:
        schema_editor.execute("ALTER TABLE organisation_auditevent ENABLE TRIGGER organisation_auditevent_read_only")
        schema_editor.execute(FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("organisation", "0012_audit_event_about"), ("risks", "0015_recorded_register_backfill")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
