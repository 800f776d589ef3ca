"""Public pages of the goals app (no sign-in; never any personal data)."""

from django.urls import path  # noqa: F401

app_name = "goals-public"
urlpatterns: list = []
