from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("shiyu.accounts.urls")),
    path("staff/routing/", include("shiyu.routing.urls")),
    path("staff/inbox/", include("shiyu.notifications.urls")),
    path("staff/", include("shiyu.cases.urls")),
    path("open311/v2/", include("shiyu.open311.urls")),
    path("maps/", include("shiyu.maps.urls")),
    path("routing/", include("shiyu.routing.public_urls")),
    path("", include("shiyu.portal.urls")),
]
