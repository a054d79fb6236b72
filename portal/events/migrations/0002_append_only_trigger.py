"""Make the event log append-only in the database itself: an UPDATE is refused.

DELETE stays possible for the test runner's table flush on SQLite and for future retention
jobs; no code path of the portal deletes events.
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER events_event_no_update BEFORE UPDATE ON events_event
BEGIN SELECT RAISE(ABORT, 'events_event is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS events_event_no_update;"

POSTGRES_UP = """
CREATE FUNCTION events_event_refuse_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'events_event is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER events_event_no_update BEFORE UPDATE ON events_event
FOR EACH ROW EXECUTE FUNCTION events_event_refuse_update();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS events_event_no_update ON events_event;
DROP FUNCTION IF EXISTS events_event_refuse_update();
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_event_log")]
    operations = [migrations.RunPython(forwards, backwards)]
# Note: SQLite rebuilds a table for most ALTERs, which drops its triggers; a migration that alters
# events_event must create the trigger again (tests/portal/events checks that updates fail).
