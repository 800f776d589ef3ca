from django.urls import path

from shiyu.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.submit, name="submit"),
    path("submitted/<str:code>/", views.submitted, name="submitted"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.track_detail, name="track-detail"),
    path("track/<str:code>/feedback/", views.track_feedback, name="track-feedback"),
    path("track/<str:code>/reopen/", views.track_reopen, name="track-reopen"),
]
