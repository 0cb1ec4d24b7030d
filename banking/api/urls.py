from rest_framework.routers import SimpleRouter

from banking.api.views import ReferralViewSet

router = SimpleRouter()
router.register("bank/referrals", ReferralViewSet, basename="bank-referral")

urlpatterns = router.urls
