"""Staff pages of the knowledge app (mounted under /staff/knowledge/)."""

from django.urls import path

from shiyu.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:article_id>/edit/", views.edit, name="edit"),
    path("<int:article_id>/status/", views.set_status, name="status"),
    path("case/<int:case_id>/suggest/", views.case_suggest, name="case-suggest"),
]
