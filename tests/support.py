"""Shared by the cross-app tests: a city built once per module, rolled back at the end.

Building the demo city for each of hundreds of parametrised tests would take most of the
suite's time. Here the module builds it inside an outer transaction; each test then runs in a
savepoint (pytest-django's `db`) and the module's teardown rolls everything back, so nothing
leaks into other modules.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def module_transaction(django_db_blocker) -> Iterator[None]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from conftest import restore_migration_data

            restore_migration_data()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
