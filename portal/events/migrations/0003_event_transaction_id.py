"""The writing transaction's id on each event (PostgreSQL), for a gap-free change feed.

On SQLite adding the column rebuilds the table, which drops the append-only trigger of 0002:
it is created again here.
"""

import portal.events.models
from django.conf import settings
from importlib import import_module

from django.db import migrations, models

append_only = import_module("portal.events.migrations.0002_append_only_trigger")


def sqlite_trigger_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(append_only.SQLITE_DOWN)
        schema_editor.execute(append_only.SQLITE_UP)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_brussels_municipalities'),
        ('events', '0002_append_only_trigger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='transaction_id',
            field=models.BigIntegerField(blank=True, db_default=portal.events.models.CurrentTransactionId(), editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['agency', 'transaction_id', 'id'], name='event_feed_idx'),
        ),
        migrations.RunPython(sqlite_trigger_again, migrations.RunPython.noop),
    ]
