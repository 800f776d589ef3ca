"""Staff pages of the reception app (mounted under /staff/reception/)."""

from django.urls import path

from shiyu.reception import views

app_name = "reception"
urlpatterns = [
    path("", views.staff_sessions, name="sessions"),
    path("new/", views.staff_session_new, name="session-new"),
    path("<int:session_id>/", views.staff_session, name="session"),
    path("<int:session_id>/walk-in/", views.staff_walk_in, name="walk-in"),
    path("<int:session_id>/visit/", views.staff_visit, name="visit"),
    path("<int:session_id>/assign/", views.staff_assign, name="assign"),
]
