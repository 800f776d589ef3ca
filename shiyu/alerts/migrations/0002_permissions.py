from django.db import migrations

from shiyu.accounts.grants import grant_defaults, revoke_defaults


def forwards(apps, schema_editor):
    from shiyu.alerts.services.lifecycle import DEFAULT_PERMISSIONS

    grant_defaults(apps, DEFAULT_PERMISSIONS)


def backwards(apps, schema_editor):
    from shiyu.alerts.services.lifecycle import DEFAULT_PERMISSIONS

    revoke_defaults(apps, DEFAULT_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
