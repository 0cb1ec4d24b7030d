from django.urls import URLPattern, path

from banking.portal import views

urlpatterns: list[URLPattern] = [
    path("firms/<int:firm_id>/banking/", views.BankingView.as_view(), name="banking"),
    path("referrals/<uuid:public_id>/", views.ReferralView.as_view(), name="referral"),
    path("referrals/<uuid:public_id>/cancel/", views.ReferralCancelView.as_view(), name="referral_cancel"),
    path("referrals/<uuid:public_id>/answer/", views.ReferralAnswerView.as_view(), name="referral_answer"),
]
