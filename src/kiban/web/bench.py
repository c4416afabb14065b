"""The benchmark's floor: a bare view making a given number of database writes, nothing else.

`make bench` compares the resident flow with this view on the same server and database
(docs/performance.md). It exists only when the setting KIBAN_BENCH is on; it writes
throw-away rows into the audit table and must never be enabled on a real installation.
"""

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from kiban.audit.models import AuditRecord

MAX_WRITES = 50


@csrf_exempt
def floor(request: HttpRequest) -> HttpResponse:
    """Insert `?writes=N` audit rows, one statement each, in one transaction."""
    if not settings.KIBAN_BENCH:
        raise Http404
    try:
        writes = int(request.GET.get("writes", "0"))
    except ValueError:
        writes = -1
    if not 0 <= writes <= MAX_WRITES:
        return HttpResponse("writes must be 0 … 50", status=400, content_type="text/plain")
    if writes:
        with transaction.atomic():
            for number in range(writes):
                AuditRecord.objects.create(action="bench.floor", data={"write": number})
    return HttpResponse(f"{writes} writes", content_type="text/plain")


urlpatterns = [path("floor/", floor, name="bench-floor")] if settings.KIBAN_BENCH else []
