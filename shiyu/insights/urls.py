"""Staff pages of the insights app (mounted under /staff/insights/)."""

from django.urls import path  # noqa: F401

app_name = "insights"
urlpatterns: list = []
