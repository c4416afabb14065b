"""The open data HTTP API: dataset files, the DCAT catalogue (JSON-LD) and the read-only
CKAN action API (package_list, package_show, package_search, organization_list, …) that
harvesters and CKAN clients such as ckanapi use. Public, no sign-in, no cookies needed."""

from __future__ import annotations

import json
import re

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from kiban.insights import opendata
from kiban.insights.opendata import LICENSE_ID, LICENSE_TITLE, LICENSE_URL, Dataset

CKAN_VERSION = "2.10.0"  # the API version whose responses these follow
MAX_ROWS = 1000
_FQ_TERM = re.compile(r'(\w+):"?([^"\s]+)"?')


def _public(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


def _iso(moment) -> str:
    return timezone.localtime(moment).replace(tzinfo=None).isoformat() if moment else ""


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _organization(request: HttpRequest, organisation) -> dict:
    return {
        "id": str(opendata.uuid.uuid5(opendata.NAMESPACE, f"org:{organisation.code}")),
        "name": organisation.code,
        "title": organisation.name_ja,
        "display_name": organisation.name_ja,
        "description": organisation.name_en,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "created": "",
        "package_count": sum(
            1
            for d in opendata.datasets()
            if d.organisation and d.organisation.pk == organisation.pk
        ),
    }


def package(request: HttpRequest, item: Dataset) -> dict:
    """Return a dataset as CKAN's package_show does."""
    landing = _absolute(request, reverse("opendata:dataset", args=[item.name]))
    modified = _iso(item.modified)
    resources = [
        {
            "id": str(opendata.uuid.uuid5(opendata.NAMESPACE, f"{item.name}.{fmt}")),
            "package_id": item.id,
            "name": f"{item.title_ja} ({fmt.upper()})",
            "description": item.title_en,
            "format": fmt.upper(),
            "mimetype": mime,
            "url": _absolute(request, reverse(f"opendata:dataset-{fmt}", args=[item.name])),
            "url_type": None,
            "state": "active",
            "position": position,
            "created": modified,
            "last_modified": modified,
            "language": ["ja", "en"],
        }
        for position, (fmt, mime) in enumerate([("csv", "text/csv"), ("json", "application/json")])
    ]
    return {
        "id": item.id,
        "name": item.name,
        "title": item.title_ja,
        "title_translated": {"ja": item.title_ja, "en": item.title_en},
        "notes": item.notes_ja,
        "notes_translated": {"ja": item.notes_ja, "en": item.notes_en},
        "type": "dataset",
        "state": "active",
        "private": False,
        "isopen": True,
        "license_id": LICENSE_ID,
        "license_title": LICENSE_TITLE,
        "license_url": LICENSE_URL,
        "url": landing,
        "version": None,
        "author": item.organisation.name_ja if item.organisation else "",
        "author_email": None,
        "maintainer": item.organisation.name_ja if item.organisation else "",
        "maintainer_email": None,
        "metadata_created": modified,
        "metadata_modified": modified,
        "owner_org": _organization(request, item.organisation)["id"] if item.organisation else None,
        "organization": _organization(request, item.organisation) if item.organisation else None,
        "resources": resources,
        "num_resources": len(resources),
        "tags": [{"name": tag, "display_name": tag, "state": "active"} for tag in item.tags],
        "num_tags": len(item.tags),
        "groups": [],
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "extras": [
            {"key": "frequency", "value": item.frequency},
            {"key": "language", "value": "ja,en"},
        ],
    }


def _ok(request: HttpRequest, action: str, result) -> JsonResponse:
    return _public(
        JsonResponse(
            {
                "help": _absolute(request, f"/api/3/action/help_show?name={action}"),
                "success": True,
                "result": result,
            },
            json_dumps_params={"ensure_ascii": False},
        )
    )


def _error(
    request: HttpRequest, action: str, kind: str, message: str, status: int, **extra
) -> JsonResponse:
    return _public(
        JsonResponse(
            {
                "help": _absolute(request, f"/api/3/action/help_show?name={action}"),
                "success": False,
                "error": {"__type": kind, "message": message, **extra},
            },
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    )


def _params(request: HttpRequest) -> dict:
    """Return the action's parameters: a JSON body (POST, as ckanapi sends) or the query."""
    if request.method == "POST" and request.body:
        try:
            body = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise ValueError("The request body is not JSON.") from None
        if not isinstance(body, dict):
            raise ValueError("The request body must be a JSON object.")
        return body
    return {key: request.GET.get(key) for key in request.GET}


def _int(params: dict, key: str, default: int, maximum: int = MAX_ROWS) -> int:
    value = params.get(key, default)
    try:
        number = int(value if value not in (None, "") else default)
    except (TypeError, ValueError):
        raise ValueError(f"{key}: Invalid integer") from None
    if number < 0:
        raise ValueError(f"{key}: Must be a natural number")
    return min(number, maximum)


def _bool(params: dict, key: str) -> bool:
    return str(params.get(key, "")).lower() in {"true", "1", "yes", "on"}


def _find(params: dict) -> Dataset:
    wanted = str(params.get("id") or params.get("name_or_id") or "")
    item = next((d for d in opendata.datasets() if wanted in (d.name, d.id)), None)
    if item is None:
        raise LookupError("Dataset not found")
    return item


def _matches(request: HttpRequest, item: Dataset, q: str, fq: str) -> bool:
    haystack = " ".join(
        [item.name, item.title_ja, item.title_en, item.notes_ja, item.notes_en, *item.tags]
    ).lower()
    if q and q not in ("*:*", "*") and not all(word.lower() in haystack for word in q.split()):
        return False
    for key, value in _FQ_TERM.findall(fq or ""):
        org = item.organisation.code if item.organisation else ""
        fields = {
            "organization": org,
            "owner_org": org,
            "tags": item.tags,
            "name": item.name,
            "res_format": ["CSV", "JSON"],
            "license_id": LICENSE_ID,
        }
        actual = fields.get(key)
        if actual is None:
            continue
        if (value not in actual) if isinstance(actual, list) else (value != actual):
            return False
    return True


def _search(request: HttpRequest, params: dict) -> dict:
    rows, start = _int(params, "rows", 10), _int(params, "start", 0, 10**6)
    found = [
        d
        for d in opendata.datasets()
        if _matches(request, d, str(params.get("q") or ""), str(params.get("fq") or ""))
    ]
    sort = str(params.get("sort") or "")
    if sort.startswith(("name", "title")):
        found.sort(key=lambda d: d.name, reverse=sort.endswith("desc"))
    return {
        "count": len(found),
        "sort": sort or "score desc, metadata_modified desc",
        "facets": {},
        "search_facets": {},
        "results": [package(request, d) for d in found[start : start + rows]],
    }


def _organisations(request: HttpRequest, params: dict):
    seen = {}
    for d in opendata.datasets():
        if d.organisation is not None:
            seen[d.organisation.code] = d.organisation
    items = [seen[code] for code in sorted(seen)]
    offset, limit = _int(params, "offset", 0, 10**6), _int(params, "limit", MAX_ROWS)
    items = items[offset : offset + limit]
    if _bool(params, "all_fields"):
        return [_organization(request, o) for o in items]
    return [o.code for o in items]


def _organisation_show(request: HttpRequest, params: dict) -> dict:
    wanted = str(params.get("id") or "")
    for d in opendata.datasets():
        org = d.organisation
        if org is not None and wanted in (org.code, _organization(request, org)["id"]):
            result = _organization(request, org)
            if _bool(params, "include_datasets"):
                result["packages"] = [
                    package(request, x)
                    for x in opendata.datasets()
                    if x.organisation and x.organisation.pk == org.pk
                ]
            return result
    raise LookupError("Organization not found")


ACTIONS = {
    "package_list": lambda request, p: [d.name for d in opendata.datasets()][
        _int(p, "offset", 0, 10**6) :
    ][: _int(p, "limit", MAX_ROWS)],
    "package_show": lambda request, p: package(request, _find(p)),
    "package_search": _search,
    "organization_list": _organisations,
    "organization_show": _organisation_show,
    "site_read": lambda request, p: True,
    "help_show": lambda request, p: (
        "Read-only CKAN action API of kiban's open data: package_list, package_show, "
        "package_search, organization_list, organization_show, status_show."
    ),
    "status_show": lambda request, p: {
        "ckan_version": CKAN_VERSION,
        "site_title": "kiban open data",
        "site_description": (
            "都政の見える化 — figures of the Tokyo Metropolitan Government's online services"
        ),
        "site_url": _absolute(request, "/opendata/"),
        "locale_default": "ja",
        "extensions": [],
    },
}


@csrf_exempt
def action(request: HttpRequest, name: str) -> HttpResponse:
    """Answer one CKAN action, read-only; unknown actions and bad parameters are 4xx."""
    if request.method not in ("GET", "POST", "OPTIONS"):
        return _error(request, name, "Bad request", "Use GET or POST.", 405)
    if request.method == "OPTIONS":
        response = _public(HttpResponse(status=204))
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type, Authorization, X-CKAN-API-Key"
        return response
    handler = ACTIONS.get(name)
    if handler is None:
        return _error(
            request,
            name,
            "Bad request - Action name not known",
            f"Bad request - Action name not known: {name}",
            400,
        )
    try:
        return _ok(request, name, handler(request, _params(request)))
    except LookupError as error:
        return _error(request, name, "Not Found Error", f"Not found: {error}", 404)
    except ValueError as error:
        return _error(request, name, "Validation Error", str(error), 409)


def _dataset_or_404(name: str) -> Dataset:
    item = opendata.dataset(name)
    if item is None:
        raise Http404
    return item


def _language(request: HttpRequest) -> str:
    return "en" if request.GET.get("lang") == "en" else "ja"


@require_GET
def dataset_csv(request: HttpRequest, name: str) -> HttpResponse:
    item = _dataset_or_404(name)
    table = opendata.dataset_table(item, _language(request))
    response = HttpResponse("\ufeff" + table.csv_text(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return _public(response)


@require_GET
def dataset_json(request: HttpRequest, name: str) -> HttpResponse:
    item = _dataset_or_404(name)
    language = _language(request)
    table = opendata.dataset_table(item, language)
    body = {
        "dataset": item.name,
        "title": item.title(language),
        "license": LICENSE_URL,
        "modified": _iso(item.modified),
        "columns": table.csv_columns(),
        "records": table.records(),
    }
    return _public(JsonResponse(body, json_dumps_params={"ensure_ascii": False}))


@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    """Return the DCAT catalogue of every dataset as JSON-LD."""

    def text(ja: str, en: str) -> list[dict]:
        return [{"@language": "ja", "@value": ja}, {"@language": "en", "@value": en}]

    body = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": _absolute(request, reverse("opendata:catalog")),
        "@type": "dcat:Catalog",
        "dct:title": text("kiban オープンデータ（都政の見える化）", "kiban open data"),
        "dct:license": {"@id": LICENSE_URL},
        "foaf:homepage": {"@id": _absolute(request, reverse("opendata:index"))},
        "dcat:dataset": [_dcat_dataset(request, d, text) for d in opendata.datasets()],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    return _public(response)


def _dcat_dataset(request: HttpRequest, item: Dataset, text) -> dict:
    landing = _absolute(request, reverse("opendata:dataset", args=[item.name]))
    return {
        "@id": landing,
        "@type": "dcat:Dataset",
        "dct:identifier": item.name,
        "dct:title": text(item.title_ja, item.title_en),
        "dct:description": text(item.notes_ja, item.notes_en),
        "dct:publisher": {
            "@type": "foaf:Organization",
            "foaf:name": text(item.organisation.name_ja, item.organisation.name_en),
        }
        if item.organisation
        else None,
        "dct:license": {"@id": LICENSE_URL},
        "dct:modified": {"@value": _iso(item.modified), "@type": "xsd:dateTime"},
        "dct:accrualPeriodicity": item.frequency,
        "dct:language": ["ja", "en"],
        "dcat:keyword": item.tags,
        "dcat:landingPage": {"@id": landing},
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:format": fmt.upper(),
                "dcat:mediaType": mime,
                "dcat:downloadURL": {
                    "@id": _absolute(request, reverse(f"opendata:dataset-{fmt}", args=[item.name]))
                },
                "dct:license": {"@id": LICENSE_URL},
            }
            for fmt, mime in (("csv", "text/csv"), ("json", "application/json"))
        ],
    }
