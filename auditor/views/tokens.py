"""The user's API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from auditor.models import ApiToken
from auditor.permissions import token_owner
from auditor.services.api_tokens import api_token_create, api_token_revoke

# The clear token survives exactly one redirect, in the session, then is gone.
_SESSION_KEY = "integrations.new_token"


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user = token_owner(request.user)
    if request.method == "POST":
        issued = api_token_create(user=user, name=request.POST.get("name", ""))
        request.session[_SESSION_KEY] = {"name": issued.token.name, "clear": issued.clear}
        return redirect("token-list")
    new_token = request.session.pop(_SESSION_KEY, None)
    tokens = ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")[:100]
    return render(request, "auditor/tokens/list.html", {"tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user: User = token_owner(request.user)
    if api_token_revoke(user=user, token_id=token_id):
        messages.success(request, "Token revoked. Clients using it now get 401.")
    else:
        messages.error(request, "No such active token.")
    return redirect("token-list")
