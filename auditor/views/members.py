"""A team's members: listed to every member, managed by admins (add an existing
account, invite a new one with a one-time set-password link, change roles, remove)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_POST

from auditor.models import Role, Team
from auditor.permissions import can, team_by_slug_for_user
from auditor.selectors.contracts import team_members
from auditor.services.invitations import membership_invite
from auditor.services.memberships import membership_add, membership_change_role, membership_remove


class MemberAddForm(forms.Form):
    username = forms.CharField(max_length=150, label="Username of an existing account")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150, label="Username for the new account")
    email = forms.EmailField(required=False, label="E-mail (optional)")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)


def _members_page(
    request: HttpRequest,
    team: Team,
    *,
    add_form: MemberAddForm | None = None,
    invite_form: InviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "auditor/team/members.html",
        {
            "team": team,
            "members": team_members(team),
            "roles": Role.choices,
            "can_manage": can(request.user, team.pk, Role.ADMIN),
            "add_form": add_form or MemberAddForm(auto_id="add_%s"),
            "invite_form": invite_form or InviteForm(auto_id="invite_%s"),
            "invite_link": request.session.pop("invite_link", None),
            "link_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
        status=status,
    )


@login_required
@require_GET
def member_list(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_by_slug_for_user(request.user, team_slug)
    return _members_page(request, team)


@login_required
@require_POST
def member_add(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_by_slug_for_user(request.user, team_slug, Role.ADMIN)
    form = MemberAddForm(request.POST, auto_id="add_%s")
    if form.is_valid():
        try:
            m = membership_add(team=team, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("username", exc)
        else:
            messages.success(request, f"{m.user.get_username()} added as {m.get_role_display().lower()}.")
            return redirect("member-list", team_slug=team.slug)
    return _members_page(request, team, add_form=form, status=400)


@login_required
@require_POST
def member_invite(request: HttpRequest, team_slug: str) -> HttpResponse:
    team = team_by_slug_for_user(request.user, team_slug, Role.ADMIN)
    form = InviteForm(request.POST, auto_id="invite_%s")
    if form.is_valid():
        try:
            invitation = membership_invite(
                team=team,
                actor=request.user,
                base_url=request.build_absolute_uri("/")[:-1],
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error("username", exc)
        else:
            name = invitation.membership.user.get_username()
            if invitation.emailed:
                messages.success(request, f"Account {name} created; the set-password link was e-mailed.")
            else:
                messages.success(
                    request,
                    f"Account {name} created. No mail server is configured: hand over the link below.",
                )
                # Shown once on the next page, to this admin only (it is in his session).
                request.session["invite_link"] = {
                    "user": name,
                    "url": request.build_absolute_uri(invitation.link),
                }
            return redirect("member-list", team_slug=team.slug)
    return _members_page(request, team, invite_form=form, status=400)


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation: the new member chooses a password, then signs in."""

    template_name = "registration/set_password.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form: forms.Form) -> HttpResponse:
        messages.success(self.request, "Password set. Sign in with your username and new password.")
        return super().form_valid(form)


@login_required
@require_POST
def member_role(request: HttpRequest, team_slug: str, membership_id: int) -> HttpResponse:
    team = team_by_slug_for_user(request.user, team_slug, Role.ADMIN)
    try:
        m = membership_change_role(
            team=team, actor=request.user, membership_id=membership_id, role=request.POST.get("role", "")
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"{m.user.get_username()} is now {m.get_role_display().lower()}.")
    return redirect("member-list", team_slug=team.slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, team_slug: str, membership_id: int) -> HttpResponse:
    team = team_by_slug_for_user(request.user, team_slug, Role.ADMIN)
    try:
        membership_remove(team=team, actor=request.user, membership_id=membership_id)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Member removed.")
    return redirect("member-list", team_slug=team.slug)
