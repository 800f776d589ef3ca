"""Public (resident) routing endpoints, mounted outside /staff/."""

from django.urls import path

from shiyu.routing import views

app_name = "routing-public"
urlpatterns = [
    path("similar/", views.similar, name="similar"),
]
