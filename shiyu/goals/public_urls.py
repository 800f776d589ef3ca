"""Public pages of the goals app (no sign-in; never any personal data)."""

from django.urls import path

from shiyu.goals import public_views

app_name = "goals-public"
urlpatterns = [
    path("", public_views.index, name="index"),
    path("<int:goal_id>/", public_views.goal, name="goal"),
    path("projects/<int:project_id>/", public_views.project, name="project"),
]
