from django.db import migrations

ROLES = [
    # code, name, name_en, scope, staff
    ("resident", "居民", "Resident", "own", False),
    ("operator", "受理员", "Operator", "area", True),
    ("dispatcher", "派单员", "Dispatcher", "area", True),
    ("handler", "承办人", "Handler", "department", True),
    ("unithead", "单位负责人", "Unit head", "department", True),
    ("supervisor", "督办员", "Supervisor", "area", True),
    ("leader", "领导", "Leader", "area", True),
    ("admin", "管理员", "Administrator", "area", True),
]


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    User = apps.get_model("accounts", "User")
    for code, name, name_en, scope, staff in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "scope": scope,
                                                           "is_staff_role": staff})
    if not User.objects.filter(username="system").exists():
        User.objects.create(username="system", display_name="系统", is_system=True, password="!")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
