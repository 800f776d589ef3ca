"""Public pages of the knowledge app (no sign-in; never any personal data)."""

from django.urls import path

from shiyu.knowledge import views

app_name = "knowledge-public"
urlpatterns = [
    path("", views.index, name="index"),
    path("suggest/", views.suggest, name="suggest"),
    path("<int:article_id>/", views.article, name="article"),
]
