"""Public pages of the participation app (no personal data: a masked display name at most)."""

from django.urls import path

from shiyu.participation import views

app_name = "participation-public"
urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", views.proposal_new, name="new"),
    path("<int:proposal_id>/", views.proposal_detail, name="detail"),
    path("<int:proposal_id>/support/", views.proposal_support, name="support"),
]
