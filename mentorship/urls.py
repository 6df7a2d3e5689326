from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView

from mentorship.api_auth import TokenView
from mentorship.api_docs import ApiDocsView
from mentorship.health import healthz
from mentorship.home import home
from profiles.forms.accounts import AdminEmailAuthenticationForm

admin.site.site_header = "Mentorship · program coordination"
admin.site.site_title = "Mentorship admin"
admin.site.index_title = "Programs, people and matches"
admin.site.login_form = AdminEmailAuthenticationForm

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenView.as_view(), name="api-auth-token"),
    path("", include("profiles.api")),
    path("", include("matching.api")),
    path("", include("meetings.api")),
    path("", include("notifications.api")),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("profiles.urls")),
    path("", include("matching.urls")),
    path("", include("meetings.urls")),
    path("", include("notifications.urls")),
]

# Under /api/ a missing route or a crash answers in the API error format; elsewhere, Django's pages.
handler400 = "mentorship.api.bad_request"
handler404 = "mentorship.api.not_found"
handler500 = "mentorship.api.server_error"
