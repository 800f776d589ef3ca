"""Public pages of the participation app (no sign-in; never any personal data)."""

from django.urls import path  # noqa: F401

app_name = "participation-public"
urlpatterns: list = []
