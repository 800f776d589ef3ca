"""What the city publishes through Open311 GeoReport v2, and what the API received.

A service is one of the city's categories, exposed under a code the administrator chooses, with
the extra questions (attributes) clients must ask. A request is a case; `RequestRecord` holds
only what GeoReport adds to it (token, attribute answers, media, device and account ids).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shiyu.cases.models import Case


class Jurisdiction(models.Model):
    """One deployment can serve several jurisdictions (e.g. a city and its districts)."""

    code = models.CharField(verbose_name=_("jurisdiction id"), max_length=64, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=100)
    # Requests of this jurisdiction are the cases in this area's subtree; empty: the whole city.
    area = models.ForeignKey("geo.Area", verbose_name=_("area"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    is_default = models.BooleanField(
        verbose_name=_("is default"), default=False,
        help_text=_("Used when a client sends no jurisdiction_id."))

    class Meta:
        ordering = ["code"]
        verbose_name = _("Open311 jurisdiction")
        verbose_name_plural = _("Open311 jurisdictions")

    def __str__(self) -> str:
        return self.code


class Application(models.Model):
    """A client application allowed to POST requests; only the SHA-256 of its key is stored."""

    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)
    contact = models.CharField(verbose_name=_("contact"), max_length=200, blank=True)
    key_hash = models.CharField(verbose_name=_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(verbose_name=_("key prefix"), max_length=8, editable=False)
    is_active = models.BooleanField(verbose_name=_("is active"), default=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), editable=False)
    last_used_at = models.DateTimeField(verbose_name=_("last used at"), null=True, blank=True,
                                        editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 application")
        verbose_name_plural = _("Open311 applications")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Service(models.Model):
    class Type(models.TextChoices):
        REALTIME = "realtime", _("Realtime: the request id is returned at once")
        BATCH = "batch", _("Batch")
        BLACKBOX = "blackbox", _("Blackbox: no status is published")

    category = models.ForeignKey("cases.Category", verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="+")
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="services", help_text=_("Empty: offered in every jurisdiction."))
    service_code = models.CharField(verbose_name=_("service code"), max_length=64, unique=True)
    service_name = models.CharField(verbose_name=_("service name"), max_length=100, blank=True,
                                    help_text=_("Empty: the category's name."))
    description = models.TextField(verbose_name=_("description"), blank=True)
    keywords = models.CharField(verbose_name=_("keywords"), max_length=200, blank=True)
    group = models.CharField(verbose_name=_("group"), max_length=100, blank=True,
                             help_text=_("Empty: the category's top-level name."))
    type = models.CharField(verbose_name=_("type"), max_length=16, choices=Type.choices,
                            default=Type.REALTIME)
    service_notice = models.CharField(
        verbose_name=_("service notice"), max_length=300, blank=True,
        help_text=_("Shown with each request; empty: the category's reply limit in working days."))
    kind = models.CharField(verbose_name=_("kind of case"), max_length=16, choices=Case.Kind.choices,
                            default=Case.Kind.COMPLAINT)
    is_active = models.BooleanField(verbose_name=_("is published"), default=True)
    order = models.PositiveIntegerField(verbose_name=_("order"), default=0)

    class Meta:
        ordering = ["order", "service_code"]
        verbose_name = _("Open311 service")
        verbose_name_plural = _("Open311 services")

    def __str__(self) -> str:
        return self.service_code


class Attribute(models.Model):
    class Datatype(models.TextChoices):
        STRING = "string", _("String")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Text")
        SINGLEVALUELIST = "singlevaluelist", _("One value from a list")
        MULTIVALUELIST = "multivaluelist", _("Values from a list")

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE,
                                related_name="attributes")
    code = models.CharField(verbose_name=_("code"), max_length=64)
    variable = models.BooleanField(
        verbose_name=_("variable"), default=True,
        help_text=_("Off: an information text for the client, not a question."))
    datatype = models.CharField(verbose_name=_("datatype"), max_length=16, choices=Datatype.choices,
                                default=Datatype.STRING)
    required = models.BooleanField(verbose_name=_("required"), default=False)
    datatype_description = models.CharField(verbose_name=_("datatype description"), max_length=200,
                                            blank=True)
    order = models.PositiveIntegerField(verbose_name=_("order"), default=1)
    description = models.CharField(verbose_name=_("description"), max_length=300)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="uniq_open311_attribute")]
        verbose_name = _("Open311 attribute")
        verbose_name_plural = _("Open311 attributes")

    def __str__(self) -> str:
        return self.code


class AttributeValue(models.Model):
    """One choice of a single- or multi-value list attribute."""

    attribute = models.ForeignKey(Attribute, verbose_name=_("attribute"), on_delete=models.CASCADE,
                                  related_name="values")
    key = models.CharField(verbose_name=_("key"), max_length=64)
    name = models.CharField(verbose_name=_("name"), max_length=100)
    order = models.PositiveIntegerField(verbose_name=_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["attribute", "key"], name="uniq_open311_value")]
        verbose_name = _("Open311 attribute value")
        verbose_name_plural = _("Open311 attribute values")

    def __str__(self) -> str:
        return self.key


class RequestRecord(models.Model):
    """What a GeoReport POST added to its case. Device and account ids are personal: never published."""

    case = models.OneToOneField("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                                related_name="+")
    token = models.CharField(verbose_name=_("token"), max_length=64, unique=True)
    application = models.ForeignKey(Application, verbose_name=_("application"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("jurisdiction"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    service = models.ForeignKey(Service, verbose_name=_("service"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    address_id = models.CharField(verbose_name=_("address id"), max_length=100, blank=True)
    media_url = models.URLField(verbose_name=_("media URL"), max_length=500, blank=True)
    device_id = models.CharField(verbose_name=_("device id"), max_length=100, blank=True)
    account_id = models.CharField(verbose_name=_("account id"), max_length=100, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return f"{self.case_id}"


class RequestAttribute(models.Model):
    """One answer to a service attribute; a multi-value answer is one row per value."""

    record = models.ForeignKey(RequestRecord, verbose_name=_("request"), on_delete=models.CASCADE,
                               related_name="answers")
    code = models.CharField(verbose_name=_("code"), max_length=64)
    value = models.TextField(verbose_name=_("value"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("Open311 attribute answer")
        verbose_name_plural = _("Open311 attribute answers")

    def __str__(self) -> str:
        return f"{self.code}={self.value}"
