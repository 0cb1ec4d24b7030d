from django.contrib import admin
from django.urls import path

from vasp_licensing import views

admin.site.site_header = "VASP licensing"
admin.site.site_title = "VASP licensing"
admin.site.index_title = "Configuration and records"

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("readyz/", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]
