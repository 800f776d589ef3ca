from django.urls import path

from shiyu.maps import views

app_name = "maps"
urlpatterns = [
    path("", views.staff_map, name="staff"),
    path("public/", views.public_map, name="public"),
]
