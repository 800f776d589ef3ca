from django.db import migrations


def forwards(apps, schema_editor):
    from shiyu.goals.services._common import DEFAULT_PERMISSIONS

    Role = apps.get_model("accounts", "Role")
    RolePermission = apps.get_model("accounts", "RolePermission")
    roles = {r.code: r for r in Role.objects.all()}
    for action, codes in DEFAULT_PERMISSIONS.items():
        for code in codes:
            if code in roles:
                RolePermission.objects.get_or_create(role=roles[code], action=action)


def backwards(apps, schema_editor):
    from shiyu.goals.services._common import DEFAULT_PERMISSIONS

    apps.get_model("accounts", "RolePermission").objects.filter(action__in=list(DEFAULT_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [("goals", "0001_initial"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
