from django.urls import URLPattern, path

from applications.portal.register import views

app_name = "register"

urlpatterns: list[URLPattern] = [
    path("", views.RegisterView.as_view(), name="index"),
    path("licences/<str:number>/", views.RegisterLicenceView.as_view(), name="licence"),
]
