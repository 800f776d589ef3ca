from django.db import migrations


def forwards(apps, schema_editor):
    from shiyu.cases.workflow import DEFAULT_ROLES, EXTRA_PERMISSIONS

    Role = apps.get_model("accounts", "Role")
    RolePermission = apps.get_model("accounts", "RolePermission")
    roles = {r.code: r for r in Role.objects.all()}
    grants = {str(action): codes for action, codes in DEFAULT_ROLES.items()} | EXTRA_PERMISSIONS
    for action, codes in grants.items():
        for code in codes:
            RolePermission.objects.get_or_create(role=roles[code], action=action)
    RolePermission.objects.get_or_create(role=roles["admin"], action="*")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
