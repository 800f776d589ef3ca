"""The project's URLs plus /bench/bare/ (bench settings only)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bench/bare/", include("bench.bare.urls")), *project_urlpatterns]
