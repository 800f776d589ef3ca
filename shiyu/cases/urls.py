from django.urls import path

from shiyu.cases import attachment_views, views

app_name = "cases"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("cases/<int:case_id>/", views.case_page, name="case"),
    path("cases/<int:case_id>/actions/<str:action>/", views.case_action, name="case-action"),
    path("cases/<int:case_id>/contact/", views.case_contact, name="case-contact"),
    path("bulk/", views.bulk_action, name="bulk"),
    path("cases/<int:case_id>/photos/", attachment_views.case_photos, name="case-photos"),
    path("cases/<int:case_id>/photos/<int:attachment_id>/", attachment_views.case_photo, name="case-photo"),
]
