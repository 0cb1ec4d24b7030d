from django.urls import URLPattern, path

from applications.portal.drafts import application, firms, people

urlpatterns: list[URLPattern] = [
    path("", firms.DashboardView.as_view(), name="dashboard"),
    path("firms/new/", firms.FirmCreateView.as_view(), name="firm_create"),
    path("firms/<int:firm_id>/", firms.FirmView.as_view(), name="firm"),
    path("firms/<int:firm_id>/applications/new/", firms.ApplicationStartView.as_view(), name="application_start"),
    path("firms/<int:firm_id>/people/", people.PeopleView.as_view(), name="people"),
    path("firms/<int:firm_id>/people/new/", people.PersonCreateView.as_view(), name="person_create"),
    path("firms/<int:firm_id>/people/<int:person_id>/", people.PersonEditView.as_view(), name="person_edit"),
    path("firms/<int:firm_id>/people/<int:person_id>/remove/", people.PersonRemoveView.as_view(), name="person_remove"),
    path("applications/<str:reference>/", application.ApplicationView.as_view(), name="application"),
    path(
        "applications/<str:reference>/business-plan/",
        application.BusinessPlanView.as_view(),
        name="application_business_plan",
    ),
    path(
        "applications/<str:reference>/declaration/",
        application.DeclarationView.as_view(),
        name="application_declaration",
    ),
    path("applications/<str:reference>/submit/", application.SubmitView.as_view(), name="application_submit"),
    path("applications/<str:reference>/withdraw/", application.WithdrawView.as_view(), name="application_withdraw"),
]
