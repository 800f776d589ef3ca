from django.db import migrations

NEW = {"pause": ("handler", "unithead"), "resume": ("handler", "unithead")}


def forwards(apps, schema_editor):
    # Databases seeded before pause/resume existed get the defaults; fresh ones already have them
    # from 0002 (which reads the live DEFAULT_ROLES), so get_or_create keeps this a no-op there.
    Role = apps.get_model("accounts", "Role")
    RolePermission = apps.get_model("accounts", "RolePermission")
    roles = {r.code: r for r in Role.objects.filter(code__in={c for cs in NEW.values() for c in cs})}
    for action, codes in NEW.items():
        for code in codes:
            if code in roles:
                RolePermission.objects.get_or_create(role=roles[code], action=action)


def backwards(apps, schema_editor):
    apps.get_model("accounts", "RolePermission").objects.filter(action__in=list(NEW)).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_deadlines"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
