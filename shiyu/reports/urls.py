"""Staff pages of the reports app (mounted under /staff/reports/)."""

from django.urls import path

from shiyu.reports import views

app_name = "reports"
urlpatterns: list = [
    path("", views.report_list, name="list"),
    path("generate/", views.report_generate, name="generate"),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("<int:report_id>/print/", views.report_print, name="print"),
    path("<int:report_id>/xlsx/", views.report_xlsx, name="xlsx"),
]
