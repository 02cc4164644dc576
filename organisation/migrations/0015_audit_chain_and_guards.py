"""Tamper-evident below the app (issue 18).

1. The entries written so far are chained in the order they were written, and the chain's head is created.
2. On PostgreSQL:
   - the audit trail's read-only trigger guards the new columns too;
   - TRUNCATE is refused on the trail, its head, the issued packs, the periods and every table of a quarter's
     record (a session may lift this with `SET council.allow_truncate = 'on'`: the test suite's database
     flushes do; the app never does);
   - UPDATE and DELETE of a row in a locked quarter are refused on the figures, targets, reviews, snapshots,
     judgements and recorded copies: such a row changes only after the quarter is reopened;
   - a locked quarter is reopened (or deleted) only inside the reopen service, which says so with
     `SET LOCAL council.reopening = 'on'` in its transaction.
A database role without TRUNCATE, ALTER or superuser rights cannot lift these (README: "The database role").
"""

from django.db import migrations

# (table, the columns naming the quarter a row belongs to)
GUARDED = [
    ("kpis_actual", ("period_id", "reported_in_id")),
    ("kpis_target", ("period_id",)),
    ("kpis_judgement", ("quarter_id",)),
    ("kpis_recordedindicator", ("quarter_id",)),
    ("risks_riskreview", ("period_id",)),
    ("risks_judgement", ("quarter_id",)),
    ("risks_recordedregister", ("quarter_id",)),
    ("placements_placementsnapshot", ("period_id",)),
    ("placements_recordedcategory", ("quarter_id",)),
    ("placements_recordedsnapshot", ("as_at_id",)),
    ("organisation_recordedorganisation", ("quarter_id",)),
]
NO_TRUNCATE = [table for table, _ in GUARDED] + [
    "organisation_auditevent", "organisation_auditchainhead", "organisation_reportingperiod", "packs_pack",
]

AUDIT_FUNCTION = """
CREATE OR REPLACE FUNCTION organisation_auditevent_read_only() RETURNS trigger AS $$
BEGIN
    -- The one change allowed: forgetting the account of a user who is deleted (the name stays in "who").
    IF TG_OP = 'UPDATE' AND NEW.user_id IS NULL
       AND (NEW.id, NEW."when", NEW.who, NEW.action, NEW.object_type, NEW.object_label, NEW.period_id,
            NEW.detail, NEW.reason, NEW.about, NEW.about_id, NEW.seq, NEW.digest)
           IS NOT DISTINCT FROM
           (OLD.id, OLD."when", OLD.who, OLD.action, OLD.object_type, OLD.object_label, OLD.period_id,
            OLD.detail, OLD.reason, OLD.about, OLD.about_id, OLD.seq, OLD.digest) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is read-only: entries are never changed or deleted';
END;
$$ LANGUAGE plpgsql;
"""

GUARDS = """
CREATE OR REPLACE FUNCTION council_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('council.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is never emptied: it holds the record of reported quarters', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION council_locked_rows() RETURNS trigger AS $$
DECLARE
    col text;
    period_pk bigint;
BEGIN
    FOREACH col IN ARRAY TG_ARGV LOOP
        EXECUTE format('SELECT ($1).%I::bigint', col) INTO period_pk USING OLD;
        IF period_pk IS NOT NULL AND EXISTS (
                SELECT 1 FROM organisation_reportingperiod WHERE id = period_pk AND state = 'locked') THEN
            RAISE EXCEPTION '% of a locked quarter is read-only: reopen the quarter to correct it', TG_TABLE_NAME;
        END IF;
        IF TG_OP = 'UPDATE' THEN
            EXECUTE format('SELECT ($1).%I::bigint', col) INTO period_pk USING NEW;
            IF period_pk IS NOT NULL AND EXISTS (
                    SELECT 1 FROM organisation_reportingperiod WHERE id = period_pk AND state = 'locked') THEN
                RAISE EXCEPTION 'a row cannot be moved into a locked quarter (%)', TG_TABLE_NAME;
            END IF;
        END IF;
    END LOOP;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION organisation_period_stays_locked() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'locked' AND (TG_OP = 'DELETE' OR NEW.state <> 'locked')
       AND current_setting('council.reopening', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION '% is locked: only the reopen service reopens a quarter', OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER organisation_period_stays_locked
    BEFORE UPDATE OR DELETE ON organisation_reportingperiod
    FOR EACH ROW EXECUTE FUNCTION organisation_period_stays_locked();

CREATE OR REPLACE FUNCTION organisation_auditchainhead_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail''s head is never deleted';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER organisation_auditchainhead_kept
    BEFORE DELETE ON organisation_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION organisation_auditchainhead_kept();
"""


def _chain(apps):
    from organisation import audit_chain

    AuditEvent = apps.get_model("organisation", "AuditEvent")
    AuditChainHead = apps.get_model("organisation", "AuditChainHead")
    previous, seq = audit_chain.GENESIS, 0
    for event in AuditEvent.objects.filter(seq__isnull=True).order_by("pk").iterator(chunk_size=2000):
        seq += 1
        event.seq = seq
        event.digest = audit_chain.link(previous, event)
        AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq, digest=event.digest)
        previous = event.digest
    AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": seq, "digest": previous})


def forward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE organisation_auditevent DISABLE TRIGGER organisation_auditevent_read_only")
    _chain(apps)
    if not postgres:
        return
    schema_editor.execute("ALTER TABLE organisation_auditevent ENABLE TRIGGER organisation_auditevent_read_only")
    schema_editor.execute(AUDIT_FUNCTION, params=None)
    schema_editor.execute(GUARDS, params=None)
    for table, columns in GUARDED:
        arguments = ", ".join(f"'{c}'" for c in columns)
        schema_editor.execute(f"CREATE TRIGGER {table}_locked BEFORE UPDATE OR DELETE ON {table} "
                              f"FOR EACH ROW EXECUTE FUNCTION council_locked_rows({arguments})")
    for table in NO_TRUNCATE:
        schema_editor.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                              f"FOR EACH STATEMENT EXECUTE FUNCTION council_refuse_truncate()")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _ in GUARDED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_locked ON {table}")
    for table in NO_TRUNCATE:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP TRIGGER IF EXISTS organisation_period_stays_locked ON organisation_reportingperiod")
    schema_editor.execute("DROP TRIGGER IF EXISTS organisation_auditchainhead_kept ON organisation_auditchainhead")
    schema_editor.execute("DROP FUNCTION IF EXISTS council_locked_rows(), council_refuse_truncate(), "
                          "organisation_period_stays_locked(), organisation_auditchainhead_kept()")


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0014_audit_chain"),
        ("kpis", "0010_recorded_indicators_backfill"),
        ("risks", "0015_recorded_register_backfill"),
        ("placements", "0007_recorded_snapshots_backfill"),
        ("packs", "0007_pack_names_kept"),
    ]
    operations = [migrations.RunPython(forward, backward)]
