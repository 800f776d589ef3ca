"""Staff pages of the reports app (mounted under /staff/reports/)."""

from django.urls import path  # noqa: F401

app_name = "reports"
urlpatterns: list = []
