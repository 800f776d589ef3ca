"""Public pages of the reception app (no sign-in; never any personal data)."""

from django.urls import path

from shiyu.reception import views

app_name = "reception-public"
urlpatterns = [
    path("", views.public_sessions, name="sessions"),
    path("<int:session_id>/", views.public_session, name="session"),
    path("booking/<str:code>/", views.public_booking, name="booking"),
    path("booking/<str:code>/cancel/", views.public_cancel, name="cancel"),
]
