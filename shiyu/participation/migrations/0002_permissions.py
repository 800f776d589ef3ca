"""Default holders of the participation permissions (data, editable by the administrator, who
has every permission already): moderators approve or hide proposals; unit heads answer the
proposals forwarded to their unit."""

from django.db import migrations

GRANTS = {"proposal_moderate": ("operator", "supervisor"), "proposal_respond": ("unithead",)}


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    RolePermission = apps.get_model("accounts", "RolePermission")
    roles = {r.code: r for r in Role.objects.all()}
    for action, codes in GRANTS.items():
        for code in codes:
            if code in roles:
                RolePermission.objects.get_or_create(role=roles[code], action=action)


def backwards(apps, schema_editor):
    apps.get_model("accounts", "RolePermission").objects.filter(action__in=list(GRANTS)).delete()


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
