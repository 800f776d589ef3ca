"""Reply quality: a reply held for a supervisor's review, and who may send it out or return it.

A nullable TextField without a default is added in place on SQLite (no table rebuild), so the
full-text triggers of 0003_search stay."""

from django.db import migrations, models

NEW = {"reply_approve": ("supervisor",), "reply_reject": ("supervisor",)}


def forwards(apps, schema_editor):
    # Fresh databases already have these from 0002 (which reads the live DEFAULT_ROLES).
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

    dependencies = [
        ('cases', '0009_contact_encryption'),
        ('accounts', '0002_roles'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='held_reply_text',
            field=models.TextField(blank=True, null=True, verbose_name='reply held for review'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
