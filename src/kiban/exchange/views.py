"""Staff pages of the exchange: member systems with their calls, errors and latency.

Bureau staff see their own organisations' systems; the platform team sees all of them and
may rotate secrets and revoke secrets and systems.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kiban.exchange import operations, services
from kiban.exchange.message_log import log_seal
from kiban.exchange.models import ChainHead, Checkpoint, ClientSecret
from kiban.exchange.selectors import contracts_of
from kiban.submissions.staff_views import staff_required


def _system_for(request: HttpRequest, system_id: int):
    system = operations.systems_for(request.user).filter(pk=system_id).first()
    if system is None:
        raise Http404
    return system


def _platform_admin(request: HttpRequest) -> None:
    if not operations.is_platform_admin(request.user):
        raise PermissionDenied


@require_GET
@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    log_seal()  # records an older version wrote unsealed, if any
    operations.stats_rollup()
    systems = list(operations.systems_for(request.user))
    figures = operations.figures_by_system(systems=systems)
    rows = [(system, figures.get(system.pk, operations.Figures())) for system in systems]
    return render(request, "exchange/overview.html", {
        "rows": rows, "head": ChainHead.objects.filter(pk=1).first(),
        "checkpoint": Checkpoint.objects.order_by("-number").first(),
        "platform_admin": operations.is_platform_admin(request.user),
    })


@require_GET
@staff_required
def system(request: HttpRequest, system_id: int) -> HttpResponse:
    log_seal()
    operations.stats_rollup()
    member = _system_for(request, system_id)
    return render(request, "exchange/system.html", {
        "system": member, "secrets": member.secrets.all(), "contracts": contracts_of(system=member),
        "hours": operations.hourly(system=member), "calls": operations.recent_calls(system=member),
        "platform_admin": operations.is_platform_admin(request.user),
    })


@require_POST
@staff_required
def rotate(request: HttpRequest, system_id: int) -> HttpResponse:
    _platform_admin(request)
    member = _system_for(request, system_id)
    secret, plain = services.secret_rotate(system=member, actor=request.user)
    return render(request, "exchange/secret.html", {"system": member, "secret": secret,
                                                    "plain": plain})


@require_POST
@staff_required
def revoke(request: HttpRequest, system_id: int) -> HttpResponse:
    _platform_admin(request)
    member = _system_for(request, system_id)
    services.system_revoke(system=member, actor=request.user)
    messages.success(request, _("The system is revoked: its secrets and tokens no longer work."))
    return redirect("exchange:system", system_id=member.pk)


@require_POST
@staff_required
def secret_revoke_view(request: HttpRequest, secret_id: int) -> HttpResponse:
    _platform_admin(request)
    secret = ClientSecret.objects.select_related("system").filter(pk=secret_id).first()
    if secret is None:
        raise Http404
    services.secret_revoke(secret=secret, actor=request.user)
    messages.success(request, _("The secret is revoked."))
    return redirect("exchange:system", system_id=secret.system_id)
