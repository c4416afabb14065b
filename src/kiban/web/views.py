from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from kiban import __version__

TEXT_SIZES = ("standard", "large", "x-large")
THEMES = ("default", "high-contrast")
PREFERENCE_MAX_AGE = 365 * 24 * 3600


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report liveness and which database this process uses."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "version": __version__, "database": connection.vendor})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("submissions:catalogue")


@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    """Remember text size and colour theme in cookies (no account needed)."""
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    response = redirect(target)
    size = request.POST.get("text_size")
    theme = request.POST.get("theme")
    if size in TEXT_SIZES:
        response.set_cookie("kiban_text_size", size, max_age=PREFERENCE_MAX_AGE, samesite="Lax")
    if theme in THEMES:
        response.set_cookie("kiban_theme", theme, max_age=PREFERENCE_MAX_AGE, samesite="Lax")
    return response
