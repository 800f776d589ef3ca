from django.urls import path

from bench.bare.views import bare_create

app_name = "bench_bare"
urlpatterns = [path("", bare_create, name="create")]
