from django.urls import path

from shiyu.routing import views

app_name = "routing"
urlpatterns = [
    path("cases/<int:case_id>/", views.case_panel, name="case-panel"),
    path("cases/<int:case_id>/apply/", views.case_apply, name="case-apply"),
    path("cases/<int:case_id>/merge/", views.case_merge, name="case-merge"),
]
