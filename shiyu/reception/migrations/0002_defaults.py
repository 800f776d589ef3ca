from django.db import migrations

# Who may run reception days: schedule sessions, register walk-ins, record visits ("manage");
# hand a visit's case to a unit and follow it ("assign": the leader receiving, and admins).
DEFAULT_ROLES = {
    "reception_manage": ("operator", "leader"),
    "reception_assign": ("leader",),
}


def forwards(apps, schema_editor):
    """The default reception policy (idempotent: tests re-run it)."""
    Role = apps.get_model("accounts", "Role")
    RolePermission = apps.get_model("accounts", "RolePermission")
    roles = {r.code: r for r in Role.objects.all()}
    for action, codes in DEFAULT_ROLES.items():
        for code in codes:
            if code in roles:
                RolePermission.objects.get_or_create(role=roles[code], action=action)


class Migration(migrations.Migration):
    dependencies = [("reception", "0001_initial"), ("accounts", "0005_department_kind")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
