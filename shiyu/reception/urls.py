"""Staff pages of the reception app (mounted under /staff/reception/)."""

from django.urls import path  # noqa: F401

app_name = "reception"
urlpatterns: list = []
