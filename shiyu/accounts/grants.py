"""Default permissions as data, seeded by each app's data migration through these two functions.

Permissions are rows (accounts.RolePermission) that the administrator may edit; an app ships its
defaults as {action: role codes} and grants them once. Both functions take the migration's
historical `apps`, so they work at any point of the migration graph, and both are idempotent
(conftest's restore_migration_data re-runs them after a flush).
"""

from collections.abc import Iterable, Mapping
from typing import Any


def grant_defaults(apps: Any, defaults: Mapping[str, Iterable[str]]) -> None:
    Role = apps.get_model("accounts", "Role")
    RolePermission = apps.get_model("accounts", "RolePermission")
    roles = {r.code: r for r in Role.objects.all()}
    for action, codes in defaults.items():
        for code in codes:
            if code in roles:
                RolePermission.objects.get_or_create(role=roles[code], action=action)


def revoke_defaults(apps: Any, defaults: Mapping[str, Iterable[str]]) -> None:
    apps.get_model("accounts", "RolePermission").objects.filter(action__in=list(defaults)).delete()
