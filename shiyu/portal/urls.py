from django.urls import path

from shiyu.portal import account_views, public_views, publish_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.submit, name="submit"),
    path("submitted/<str:code>/", views.submitted, name="submitted"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.track_detail, name="track-detail"),
    path("track/<str:code>/feedback/", views.track_feedback, name="track-feedback"),
    path("track/<str:code>/reopen/", views.track_reopen, name="track-reopen"),
    path("track/<str:code>/photos/<int:attachment_id>/", views.track_photo, name="track-photo"),
    # Residents who sign in (e-mailed one-time link) see their requests together.
    path("account/", account_views.my_cases, name="my-cases"),
    path("account/signin/", account_views.signin, name="signin"),
    path("account/link/<str:token>/", account_views.link, name="account-link"),
    # Transparency (成果共享): public figures, published cases, open data.
    path("transparency/", public_views.transparency_home, name="transparency"),
    path("transparency/cases/", public_views.published_list, name="published-list"),
    path("transparency/cases/<int:publication_id>/", public_views.published_detail, name="published-detail"),
    path("transparency/cases/<int:publication_id>/photos/<int:attachment_id>/", public_views.published_photo,
         name="published-photo"),
    path("opendata/", public_views.opendata_index, name="opendata"),
    path("opendata/cases.csv", public_views.opendata_csv, name="opendata-csv"),
    path("opendata/cases.json", public_views.opendata_json, name="opendata-json"),
    # Staff: review and publish what residents agreed to share.
    path("staff/publish/", publish_views.queue, name="publish-queue"),
    path("staff/publish/<int:case_id>/", publish_views.review, name="publish-review"),
    path("staff/publish/<int:case_id>/withdraw/", publish_views.withdraw, name="publish-withdraw"),
]
