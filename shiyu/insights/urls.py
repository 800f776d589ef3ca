"""Staff pages of the insights app (mounted under /staff/insights/)."""

from django.urls import path

from shiyu.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.insights_dashboard, name="dashboard"),
]
