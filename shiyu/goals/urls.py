"""Staff pages of the goals app (mounted under /staff/goals/)."""

from django.urls import path  # noqa: F401

app_name = "goals"
urlpatterns: list = []
