"""Default holders of the participation permissions (data, editable by the administrator, who
has every permission already): moderators approve or hide proposals; unit heads answer the
proposals forwarded to their unit."""

from django.db import migrations

from shiyu.accounts.grants import grant_defaults, revoke_defaults

GRANTS = {"proposal_moderate": ("operator", "supervisor"), "proposal_respond": ("unithead",)}


def forwards(apps, schema_editor):
    grant_defaults(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke_defaults(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
