"""The database logs every change of a quarter's state itself (PostgreSQL), in a table no one changes, and
the chain's head gets its key-signed check. audit_verify matches each logged change with its entry in the trail,
so a quarter reopened in SQL around the app (lifting the reopen guard from any session) is found."""

from django.db import migrations

LOG = """
CREATE OR REPLACE FUNCTION organisation_log_period_state() RETURNS trigger AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state THEN
        INSERT INTO organisation_periodstatechange (period_id, old_state, new_state, at)
            VALUES (NEW.id, OLD.state, NEW.state, clock_timestamp());
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER organisation_log_period_state
    AFTER UPDATE OF state ON organisation_reportingperiod
    FOR EACH ROW EXECUTE FUNCTION organisation_log_period_state();

CREATE OR REPLACE FUNCTION organisation_periodstatechange_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the log of quarters'' states is never changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER organisation_periodstatechange_kept
    BEFORE UPDATE OR DELETE ON organisation_periodstatechange
    FOR EACH ROW EXECUTE FUNCTION organisation_periodstatechange_kept();
CREATE TRIGGER organisation_periodstatechange_no_truncate
    BEFORE TRUNCATE ON organisation_periodstatechange
    FOR EACH STATEMENT EXECUTE FUNCTION council_refuse_truncate();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS organisation_log_period_state ON organisation_reportingperiod;
DROP TRIGGER IF EXISTS organisation_periodstatechange_kept ON organisation_periodstatechange;
DROP TRIGGER IF EXISTS organisation_periodstatechange_no_truncate ON organisation_periodstatechange;
DROP FUNCTION IF EXISTS organisation_log_period_state(), organisation_periodstatechange_kept();
"""


def forward(apps, schema_editor):
    from organisation import audit_chain

    AuditChainHead = apps.get_model("organisation", "AuditChainHead")
    for head in AuditChainHead.objects.all():
        AuditChainHead.objects.filter(pk=head.pk).update(mac=audit_chain.head_mac(head.seq, head.digest))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(LOG, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("organisation", "0016_period_state_log")]
    operations = [migrations.RunPython(forward, backward)]
