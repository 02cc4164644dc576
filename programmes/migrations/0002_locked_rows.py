"""On PostgreSQL a locked quarter's assessments and savings are read-only in the database too, as the
figures, reviews and snapshots are (organisation migration 0015's council_locked_rows)."""

from django.db import migrations

GUARDED = (("programmes_assessment", ("period_id",)), ("programmes_saving", ("period_id",)))


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in GUARDED:
        arguments = ", ".join(f"'{c}'" for c in columns)
        schema_editor.execute(f"CREATE TRIGGER {table}_locked BEFORE UPDATE OR DELETE ON {table} "
                              f"FOR EACH ROW EXECUTE FUNCTION council_locked_rows({arguments})")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _ in GUARDED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_locked ON {table}")


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial"), ("organisation", "0015_audit_chain_and_guards")]
    operations = [migrations.RunPython(forward, backward)]
