from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class CitySetting(models.Model):
    """An administrator's override of a declared setting (see shiyu.core.citysettings)."""

    key = models.CharField(verbose_name=_("key"), max_length=100, unique=True)
    value = models.JSONField(verbose_name=_("value"))
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("city setting")
        verbose_name_plural = _("city settings")

    def __str__(self) -> str:
        return self.key
