"""Public pages of the reception app (no sign-in; never any personal data)."""

from django.urls import path  # noqa: F401

app_name = "reception-public"
urlpatterns: list = []
