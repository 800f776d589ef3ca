from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shiyu.cases.workflow import State
from shiyu.core.crypto import EncryptedTextField


class Category(models.Model):
    """Three-level category tree (e.g. 城乡建设 › 市容管理 › 占道经营)."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(verbose_name=_("code"), max_length=32, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=100)
    name_en = models.CharField(verbose_name=_("English name"), max_length=100, blank=True)
    level = models.PositiveSmallIntegerField(verbose_name=_("level"), default=1)
    path = models.CharField(verbose_name=_("path"), max_length=255, db_index=True, editable=False, default="")
    # The unit that usually handles it; the dispatcher sees it as the suggestion.
    default_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("default department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ack_hours = models.PositiveIntegerField(verbose_name=_("ack hours"), default=24)
    complete_days = models.PositiveIntegerField(verbose_name=_("complete days"), default=15)
    is_active = models.BooleanField(verbose_name=_("is active"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        HELP = "help", _("Request for help")
        INQUIRY = "inquiry", _("Inquiry")
        SUGGESTION = "suggestion", _("Suggestion")
        REPORT = "report", _("Report")
        PRAISE = "praise", _("Praise")

    class Channel(models.TextChoices):
        WEB = "web", _("Web portal")
        API = "api", _("API")
        OPEN311 = "open311", _("Open311")
        HOTLINE = "hotline", _("Hotline")
        IMPORT = "import", _("Import")
        RECEPTION = "reception", _("Reception day")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")
        CRITICAL = "critical", _("Critical")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")
        UNREACHABLE = "unreachable", _("Unreachable")

    STATE_CHOICES = [
        (State.SUBMITTED.value, _("Submitted")),
        (State.ACCEPTED.value, _("Accepted")),
        (State.DISPATCHED.value, _("Dispatched")),
        (State.IN_PROGRESS.value, _("In progress")),
        (State.REPLIED.value, _("Replied")),
        (State.CLOSED.value, _("Closed")),
        (State.REOPENED.value, _("Reopened")),
        (State.REJECTED.value, _("Rejected")),
        (State.MERGED.value, _("Merged")),
    ]

    code = models.CharField(verbose_name=_("code"), max_length=16, unique=True)
    title = models.CharField(verbose_name=_("title"), max_length=200)
    body = models.TextField(verbose_name=_("body"))
    kind = models.CharField(
        verbose_name=_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPLAINT
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    area = models.ForeignKey(
        "geo.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    latitude = models.FloatField(verbose_name=_("latitude"), null=True, blank=True)
    longitude = models.FloatField(verbose_name=_("longitude"), null=True, blank=True)
    address = models.CharField(verbose_name=_("address"), max_length=300, blank=True)
    urgency = models.CharField(
        verbose_name=_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    channel = models.CharField(
        verbose_name=_("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB
    )
    external_ref = models.CharField(
        verbose_name=_("external ref"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("The source system's id (hotline ticket number)."),
    )
    # Personal data: serves only the person who gave it (see accounts.policies "view_contact").
    # Encrypted at rest (shiyu/core/crypto.py); erased N months after the case ends
    # (cases.services.retention); max_length is the form's limit, the stored token is longer.
    contact_name = EncryptedTextField(verbose_name=_("contact name"), max_length=100, blank=True)
    contact_phone = EncryptedTextField(verbose_name=_("contact phone"), max_length=40, blank=True)
    contact_email = EncryptedTextField(verbose_name=_("contact email"), max_length=254, blank=True)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_cases",
    )

    state = models.CharField(
        verbose_name=_("state"), max_length=16, choices=STATE_CHOICES, default=State.SUBMITTED, db_index=True
    )
    version = models.PositiveIntegerField(verbose_name=_("version"), default=1)
    lead_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_cases",
    )
    assisting_departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("assisting departments"),
        blank=True,
        related_name="assisting_cases",
    )
    suggested_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("suggested department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    reply_text = models.TextField(verbose_name=_("reply text"), blank=True)
    # A reply held for a supervisor's review (reply quality); null when none is waiting. Nullable
    # without a default so that adding it does not rebuild the table on SQLite.
    held_reply_text = models.TextField(verbose_name=_("reply held for review"), null=True, blank=True)
    satisfaction = models.CharField(
        verbose_name=_("satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    reopen_count = models.PositiveIntegerField(verbose_name=_("reopen count"), default=0)
    transfer_count = models.PositiveIntegerField(verbose_name=_("transfer count"), default=0)
    urge_count = models.PositiveIntegerField(verbose_name=_("urge count"), default=0)
    escalation_level = models.PositiveSmallIntegerField(verbose_name=_("escalation level"), default=0)
    is_problem = models.BooleanField(verbose_name=_("is problem"), default=False, db_index=True)
    first_contact = models.BooleanField(verbose_name=_("first contact"), default=False)
    extension_pending_days = models.PositiveIntegerField(
        verbose_name=_("extension pending days"), null=True, blank=True
    )

    submitted_at = models.DateTimeField(verbose_name=_("submitted at"), db_index=True)
    accepted_at = models.DateTimeField(verbose_name=_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(verbose_name=_("dispatched at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(verbose_name=_("acknowledged at"), null=True, blank=True)
    replied_at = models.DateTimeField(verbose_name=_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(verbose_name=_("closed at"), null=True, blank=True)
    ack_due_at = models.DateTimeField(verbose_name=_("ack due at"), null=True, blank=True)
    reply_due_at = models.DateTimeField(verbose_name=_("reply due at"), null=True, blank=True)
    followup_due_at = models.DateTimeField(verbose_name=_("follow-up due at"), null=True, blank=True)
    # Limits fixed at intake from the dispatch catalog; null means the category's defaults.
    ack_limit_hours = models.PositiveIntegerField(
        verbose_name=_("acknowledge limit (working hours)"), null=True, blank=True)
    reply_limit_days = models.PositiveIntegerField(
        verbose_name=_("reply limit (working days)"), null=True, blank=True)
    # 挂起: while paused the clocks stop; the paused working time is added back on resume.
    paused_at = models.DateTimeField(verbose_name=_("paused at"), null=True, blank=True)
    pause_reason = models.TextField(verbose_name=_("pause reason"), blank=True, default="")
    paused_hours = models.FloatField(verbose_name=_("paused working hours"), default=0)
    # The supervision ladder: the sweep looks only at cases whose next threshold has passed.
    next_check_at = models.DateTimeField(verbose_name=_("next check at"), null=True, blank=True,
                                         db_index=True)
    # 督办: the area one or more levels above the case's own, whose supervisors now watch it.
    supervising_area = models.ForeignKey(
        "geo.Area", verbose_name=_("supervising area"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+")
    ladder_stage = models.CharField(verbose_name=_("supervision stage"), max_length=32, blank=True,
                                    default="")
    updated_at = models.DateTimeField(verbose_name=_("updated at"))

    # jieba tokens of title, body and address, indexed by FTS5 / tsvector (see migrations).
    search_tokens = models.TextField(verbose_name=_("search tokens"), blank=True, default="")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["state", "submitted_at"]),
            models.Index(fields=["lead_department", "state"]),
            models.Index(fields=["area", "state"]),
            # One category, newest first, in a date window (Open311's service_code filter,
            # duplicate look-ups, per-category figures) is one ordered index range.
            models.Index(fields=["category", "submitted_at"], name="case_category_submitted"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="uniq_case_external_ref",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def deadline_light(self) -> str:
        """ "on_time" | "due_soon" | "overdue" (or "" when no clock runs); see cases.deadlines."""
        from shiyu.cases.deadlines import light_of

        return light_of(self)


class CaseEvent(models.Model):
    """Append-only: one row per action on a case."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(verbose_name=_("action"), max_length=32)
    from_state = models.CharField(verbose_name=_("from state"), max_length=16, blank=True)
    to_state = models.CharField(verbose_name=_("to state"), max_length=16)
    note = models.TextField(verbose_name=_("note"), blank=True)
    data = models.JSONField(verbose_name=_("data"), default=dict, blank=True)
    is_public = models.BooleanField(verbose_name=_("is public"), default=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class Attachment(models.Model):
    """A photo a resident sent with a case. The file is a re-encoded copy (no EXIF, no GPS), stored
    under MEDIA_ROOT and served only through views that check who asks (never a public URL)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="attachments")
    file = models.CharField(verbose_name=_("file"), max_length=255)  # storage name under MEDIA_ROOT
    content_type = models.CharField(verbose_name=_("content type"), max_length=64)
    size = models.PositiveIntegerField(verbose_name=_("size"))
    width = models.PositiveIntegerField(verbose_name=_("width"))
    height = models.PositiveIntegerField(verbose_name=_("height"))
    sha256 = models.CharField(verbose_name=_("SHA-256"), max_length=64)
    # Shown on the public page of a published case only once staff chose it there.
    is_public = models.BooleanField(verbose_name=_("is public"), default=False)
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"{self.case_id} {self.file}"


class Publication(models.Model):
    """A resolved case its submitter agreed to publish: the consent, then the text staff reviewed
    (personal data removed) and published on the transparency pages."""

    class Status(models.TextChoices):
        CONSENTED = "consented", _("Consented, not reviewed")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE,
                                related_name="publication")
    status = models.CharField(verbose_name=_("status"), max_length=16, choices=Status.choices,
                              default=Status.CONSENTED, db_index=True)
    consented_at = models.DateTimeField(verbose_name=_("consented at"))
    title = models.CharField(verbose_name=_("public title"), max_length=200, blank=True)
    body = models.TextField(verbose_name=_("public description"), blank=True)
    reply = models.TextField(verbose_name=_("public reply"), blank=True)
    published_at = models.DateTimeField(verbose_name=_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"
