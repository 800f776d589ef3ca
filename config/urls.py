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
    path("staff/insights/", include("shiyu.insights.urls")),
    path("staff/alerts/", include("shiyu.alerts.urls")),
    path("staff/reports/", include("shiyu.reports.urls")),
    path("staff/goals/", include("shiyu.goals.urls")),
    path("staff/disputes/", include("shiyu.disputes.urls")),
    path("staff/reception/", include("shiyu.reception.urls")),
    path("staff/knowledge/", include("shiyu.knowledge.urls")),
    path("staff/participation/", include("shiyu.participation.urls")),
    path("staff/", include("shiyu.cases.urls")),
    path("open311/v2/", include("shiyu.open311.urls")),
    path("maps/", include("shiyu.maps.urls")),
    path("routing/", include("shiyu.routing.public_urls")),
    path("goals/", include("shiyu.goals.public_urls")),
    path("reception/", include("shiyu.reception.public_urls")),
    path("knowledge/", include("shiyu.knowledge.public_urls")),
    path("proposals/", include("shiyu.participation.public_urls")),
    path("", include("shiyu.portal.urls")),
]
