"""Staff pages of the disputes app (mounted under /staff/disputes/)."""

from django.urls import path

from shiyu.disputes import views

app_name = "disputes"
urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("new/", views.dispute_new, name="new"),
    path("<int:dispute_id>/", views.dispute_detail, name="detail"),
    path("<int:dispute_id>/agreement/", views.agreement_document, name="agreement"),
    path("<int:dispute_id>/<str:action>/", views.dispute_action, name="action"),
    path("case/<int:case_id>/", views.case_panel, name="case-panel"),
    path("case/<int:case_id>/convert/", views.case_convert, name="case-convert"),
]
