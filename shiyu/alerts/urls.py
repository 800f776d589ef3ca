"""Staff pages of the alerts app (mounted under /staff/alerts/)."""

from django.urls import path

from shiyu.alerts import views

app_name = "alerts"
urlpatterns: list = [
    path("", views.alert_list, name="list"),
    path("hot-issues/", views.hot_issues, name="hot-issues"),
    path("<int:alert_id>/", views.alert_detail, name="detail"),
    path("<int:alert_id>/<str:action>/", views.alert_action, name="action"),
]
