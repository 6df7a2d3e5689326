from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mentorship.health import healthz

api_v1 = [
    path("", include("profiles.api")),
    path("", include("matching.api")),
    path("", include("meetings.api")),
    path("", include("notifications.api")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("profiles.urls")),
    path("", include("matching.urls")),
    path("", include("meetings.urls")),
    path("", include("notifications.urls")),
]
