from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from shiyu.core.models import PeriodicRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that change only through their services (or never): the admin may look, not touch."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TreeForm(forms.ModelForm):
    """For trees with materialised paths (areas, departments, categories): no cycles."""

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        node = self.instance
        if parent is not None and node.pk and (parent.pk == node.pk or parent.path.startswith(node.path)):
            raise forms.ValidationError(_("An item cannot be moved under itself or one of its own items."))
        return parent


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    """Written only by the scheduler (shiyu.core.periodic): here to see what ran and what failed."""

    list_display = ("name", "slot", "status", "attempt", "worker", "claimed_at", "finished_at")
    list_filter = ("status", "name")
    date_hierarchy = "slot"
