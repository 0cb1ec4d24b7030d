from django.urls import URLPattern, path

from accounts.team import views

urlpatterns: list[URLPattern] = [
    path("firms/<int:firm_id>/team/", views.TeamView.as_view(), name="team"),
    path("firms/<int:firm_id>/team/invite/", views.InviteView.as_view(), name="team_invite"),
    path(
        "firms/<int:firm_id>/team/invitations/<int:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="team_invitation_revoke",
    ),
    path("firms/<int:firm_id>/team/members/<int:pk>/role/", views.MemberRoleView.as_view(), name="team_member_role"),
    path(
        "firms/<int:firm_id>/team/members/<int:pk>/remove/",
        views.MemberRemoveView.as_view(),
        name="team_member_remove",
    ),
    path("invitations/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
]
