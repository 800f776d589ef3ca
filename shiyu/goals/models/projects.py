"""Key projects: the tree, milestones, linked cases and clusters, updates and attachments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shiyu.goals.models.goals import Goal


class Project(models.Model):
    """A key project (重点项目) or one of its sub-projects. Progress of a project with children or
    milestones rolls up by weight; a leaf project without milestones carries its own progress."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("In progress")
        DONE = "done", _("Done")
        SUSPENDED = "suspended", _("Suspended")

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    title = models.CharField(verbose_name=_("title"), max_length=200)
    description = models.TextField(verbose_name=_("description"), blank=True)
    owner_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("owner unit"),
        on_delete=models.PROTECT,
        related_name="goal_projects",
    )
    start = models.DateField(verbose_name=_("start"), null=True, blank=True)
    due = models.DateField(verbose_name=_("due"), null=True, blank=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    weight = models.FloatField(verbose_name=_("weight"), default=1.0)
    own_progress = models.FloatField(verbose_name=_("own progress"), default=0.0)
    is_public = models.BooleanField(verbose_name=_("is public"), default=True)
    source_ref = models.CharField(verbose_name=_("source"), max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(verbose_name=_("created at"))
    updated_at = models.DateTimeField(verbose_name=_("updated at"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    class Stage(models.TextChoices):
        NONE = "", _("On schedule")
        REMINDED = "reminded", _("Owner unit reminded")
        ESCALATED = "escalated", _("Escalated to supervision")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(verbose_name=_("title"), max_length=200)
    due = models.DateField(verbose_name=_("due"))
    weight = models.FloatField(verbose_name=_("weight"), default=1.0)
    done_at = models.DateTimeField(verbose_name=_("done at"), null=True, blank=True)
    ladder_stage = models.CharField(
        verbose_name=_("supervision stage"), max_length=16, blank=True, default="", choices=Stage.choices
    )
    reminded_at = models.DateTimeField(verbose_name=_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(verbose_name=_("escalated at"), null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class ProjectCase(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="case_links"
    )
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "case"], name="uniq_goals_project_case")]
        verbose_name = _("linked case")
        verbose_name_plural = _("linked cases")

    def __str__(self) -> str:
        return f"{self.project_id}:{self.case_id}"


class ComplaintCluster(models.Model):
    """A stable description of a stream of complaints (category, area, keywords), not a hot-issue
    cluster id: those change at every clustering run."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="clusters"
    )
    category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area = models.ForeignKey(
        "geo.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    keywords = models.CharField(verbose_name=_("keywords"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("complaint cluster")
        verbose_name_plural = _("complaint clusters")

    def __str__(self) -> str:
        return f"{self.category_id or ''} {self.area_id or ''} {self.keywords}".strip()


class ProjectUpdate(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(verbose_name=_("text"))
    progress = models.FloatField(verbose_name=_("progress"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")

    def __str__(self) -> str:
        return f"{self.project_id}@{self.created_at:%Y-%m-%d}"


class StoredFile(models.Model):
    """A checked file stored by services.files (content-addressed under MEDIA_ROOT)."""

    file = models.CharField(verbose_name=_("file"), max_length=255)  # storage name under MEDIA_ROOT
    name = models.CharField(verbose_name=_("name"), max_length=200)
    content_type = models.CharField(verbose_name=_("content type"), max_length=64)
    size = models.PositiveIntegerField(verbose_name=_("size"))
    sha256 = models.CharField(verbose_name=_("SHA-256"), max_length=64)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class ProjectAttachment(StoredFile):
    update = models.ForeignKey(
        ProjectUpdate, verbose_name=_("update"), on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
