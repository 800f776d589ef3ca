from django.db import migrations

TYPES = [
    # code, name, name_en
    ("neighbour", "邻里纠纷", "Neighbours"),
    ("property", "物业纠纷", "Property management"),
    ("labour", "劳资纠纷", "Labour and wages"),
    ("family", "婚姻家庭纠纷", "Family"),
    ("land", "土地房屋纠纷", "Land and housing"),
    ("consumer", "消费纠纷", "Consumer"),
    ("other", "其他纠纷", "Other"),
]


def forwards(apps, schema_editor):
    """The dispute types and the default mediation policy (idempotent: tests re-run it)."""
    from shiyu.disputes.workflow import DEFAULT_ROLES, permission

    DisputeType = apps.get_model("disputes", "DisputeType")
    for order, (code, name, name_en) in enumerate(TYPES, start=1):
        DisputeType.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en,
                                                               "order": order})
    Role = apps.get_model("accounts", "Role")
    RolePermission = apps.get_model("accounts", "RolePermission")
    Role.objects.update_or_create(code="mediator", defaults={
        "name": "调解员", "name_en": "Mediator", "scope": "department", "is_staff_role": True})
    roles = {r.code: r for r in Role.objects.all()}
    for action, codes in DEFAULT_ROLES.items():
        for code in codes:
            RolePermission.objects.get_or_create(role=roles[code], action=permission(action))


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial"), ("accounts", "0005_department_kind")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
