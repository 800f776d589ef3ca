"""Staff pages of the participation app (mounted under /staff/participation/)."""

from django.urls import path

from shiyu.participation import views

app_name = "participation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:proposal_id>/moderate/", views.moderate, name="moderate"),
    path("<int:proposal_id>/respond/", views.respond, name="respond"),
    path("<int:proposal_id>/project/", views.project, name="project"),
]
