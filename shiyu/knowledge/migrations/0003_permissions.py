"""Who edits the knowledge base by default: permissions are data (RolePermission), editable by the
administrator, who has every permission already."""

from django.db import migrations

EDITORS = ("operator", "supervisor")


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    RolePermission = apps.get_model("accounts", "RolePermission")
    for role in Role.objects.filter(code__in=EDITORS):
        RolePermission.objects.get_or_create(role=role, action="knowledge_edit")


def backwards(apps, schema_editor):
    apps.get_model("accounts", "RolePermission").objects.filter(action="knowledge_edit").delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
