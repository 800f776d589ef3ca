"""Staff pages of the disputes app (mounted under /staff/disputes/)."""

from django.urls import path  # noqa: F401

app_name = "disputes"
urlpatterns: list = []
