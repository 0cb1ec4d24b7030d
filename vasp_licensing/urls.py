from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from oauth2_provider import views as oauth2_views

from portal import urls as portal_urls
from vasp_licensing import pages, problems, views

admin.site.site_header = "VASP licensing"
admin.site.site_title = "VASP licensing"
admin.site.index_title = "Configuration and records"

api_v1 = [
    path("", include("banking.api.urls")),
    path("", include("applications.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("workspace/", include("reviews.urls")),
    path("portal/", include("portal.urls")),
    path("register/", include(portal_urls.register_urlpatterns)),
    path("healthz/", views.healthz, name="healthz"),
    path("readyz/", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # Only the token endpoint: banks use client credentials; no authorisation pages, no app management.
    path("o/token/", oauth2_views.TokenView.as_view(), name="oauth2-token"),
    path("o/revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="oauth2-revoke-token"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/problems/<slug:code>/", problems.problem_type, name="api-problem"),
]

handler403 = pages.permission_denied
handler404 = pages.page_not_found
handler500 = problems.server_error
