from django.db import models


class BareRow(models.Model):
    """One row per request: the floor any insert view pays (request, JSON, one INSERT, commit)."""

    text = models.TextField()

    def __str__(self) -> str:
        return self.text[:40]
