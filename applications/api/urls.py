from django.urls import path
from rest_framework.routers import SimpleRouter

from applications.api.views import LicenceVerificationView, RegisterLicenceViewSet

router = SimpleRouter()
router.register("register/licences", RegisterLicenceViewSet, basename="register-licence")

urlpatterns = [
    path("licences/<str:number>/", LicenceVerificationView.as_view(), name="licence-verify"),
    *router.urls,
]
