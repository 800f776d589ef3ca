"""Staff pages of the goals app (mounted under /staff/goals/)."""

from django.urls import path

from shiyu.goals import views

app_name = "goals"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.goal_create, name="goal-create"),
    path("<int:goal_id>/", views.goal, name="goal"),
    path("<int:goal_id>/indicators/", views.indicator_create, name="indicator-create"),
    path("indicators/<int:indicator_id>/values/", views.indicator_value, name="indicator-value"),
    path("projects/import/", views.project_import, name="project-import"),
    path("projects/<int:project_id>/", views.project, name="project"),
    path("projects/<int:project_id>/update/", views.project_update, name="project-update"),
    path("projects/<int:project_id>/milestones/", views.milestone_create, name="milestone-create"),
    path("projects/<int:project_id>/cases/", views.project_link_case, name="project-link-case"),
    path("projects/<int:project_id>/clusters/", views.project_add_cluster, name="project-add-cluster"),
    path("milestones/<int:milestone_id>/complete/", views.milestone_complete, name="milestone-complete"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("appeals/attachments/<int:attachment_id>/", views.appeal_attachment, name="appeal-attachment"),
    path("scorecards/new/", views.scheme_create, name="scheme-create"),
    path("scorecards/<int:scheme_id>/", views.scheme, name="scheme"),
    path("scorecards/<int:scheme_id>/recompute/", views.scheme_recompute, name="scheme-recompute"),
    path("scorecards/<int:scheme_id>/publish/", views.scheme_publish, name="scheme-publish"),
    path("scorecards/<int:scheme_id>/appeal/", views.appeal_submit, name="appeal-submit"),
    path("appeals/<int:appeal_id>/review/", views.appeal_review, name="appeal-review"),
    path("problems/new/", views.problem_create, name="problem-create"),
]
