"""Public pages of the knowledge app (no sign-in; never any personal data)."""

from django.urls import path  # noqa: F401

app_name = "knowledge-public"
urlpatterns: list = []
