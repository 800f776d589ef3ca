"""Knowledge base articles (知识库): policies, procedures, legal services and FAQs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Article(models.Model):
    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy")
        PROCEDURE = "procedure", _("Procedure")
        LEGAL = "legal", _("Legal service")
        FAQ = "faq", _("FAQ")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(verbose_name=_("title"), max_length=200)
    kind = models.CharField(verbose_name=_("type"), max_length=16, choices=Kind.choices, default=Kind.FAQ)
    # What a resident or an operator reads first; also what "insert into the answer" copies.
    summary = models.TextField(verbose_name=_("answer"), max_length=2000)
    body = models.TextField(verbose_name=_("full text"), blank=True, max_length=20000)
    keywords = models.CharField(verbose_name=_("keywords"), max_length=300, blank=True,
                                help_text=_("Other words people use for this, separated by spaces."))
    category = models.ForeignKey("cases.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    owner_department = models.ForeignKey("accounts.Department", verbose_name=_("owner department"),
                                         null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    status = models.CharField(verbose_name=_("status"), max_length=16, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    valid_from = models.DateField(verbose_name=_("valid from"), null=True, blank=True)
    valid_until = models.DateField(verbose_name=_("valid until"), null=True, blank=True)
    # jieba tokens of title, keywords, summary and body; indexed by FTS5 / tsvector (0002_search).
    search_tokens = models.TextField(verbose_name=_("search tokens"), blank=True, default="", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(verbose_name=_("created at"))
    updated_at = models.DateTimeField(verbose_name=_("updated at"))
    version = models.PositiveIntegerField(verbose_name=_("version"), default=1)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title
