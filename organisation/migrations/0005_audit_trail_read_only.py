"""On PostgreSQL the audit trail refuses UPDATE and DELETE at the database: it is read-only by any route."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION organisation_auditevent_read_only() RETURNS trigger AS $$
BEGIN
    -- The one change allowed: forgetting the account of a user who is deleted (the name stays in "who").
    IF TG_OP = 'UPDATE' AND NEW.user_id IS NULL
       AND (NEW.id, NEW."when", NEW.who, NEW.action, NEW.object_type, NEW.object_label, NEW.period_id,
            NEW.detail, NEW.reason)
           IS NOT DISTINCT FROM
           (OLD.id, OLD."when", OLD.who, OLD.action, OLD.object_type, OLD.object_label, OLD.period_id,
            OLD.detail, OLD.reason) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is read-only: entries are never changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER organisation_auditevent_read_only
    BEFORE UPDATE OR DELETE ON organisation_auditevent
    FOR EACH ROW EXECUTE FUNCTION organisation_auditevent_read_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS organisation_auditevent_read_only ON organisation_auditevent;
DROP FUNCTION IF EXISTS organisation_auditevent_read_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("organisation", "0004_audit_event")]
    operations = [migrations.RunPython(forward, backward)]
