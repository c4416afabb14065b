"""The builder end to end over HTTP with the demo data: the issue's "Done when".

An editor of the welfare bureau builds a three-step procedure (name with reading prefilled
from the registry, a 和暦 date, a postal-code address, a condition), sends it to review; the
reviewer approves and publishes it; a resident applies and finds name and address
prefilled; the housing bureau copies it as a template. The quality gate blocks a version
with a missing English label and says where.
"""

import re

import pytest
from django.test import Client

from kiban.audit.models import AuditRecord
from kiban.procedures.constants import VersionStatus
from kiban.procedures.models import Procedure
from kiban.submissions.models import Submission
from kiban.web.demo import DEMO_PASSWORD, demo_totp_code, load_demo
from tests.formparse import form_values

pytestmark = pytest.mark.django_db
CODE = "moving-in-support"
WELFARE = "caseworker.welfare@demo.kiban.jp"
HOUSING = "caseworker.housing@demo.kiban.jp"


@pytest.fixture
def demo(db):
    load_demo(residents=0)


def staff_sign_in(email: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["kiban_language"] = "en"
    response = client.post("/accounts/sign-in/", {"username": email, "password": DEMO_PASSWORD})
    assert response["Location"] == "/accounts/sign-in/two-factor/"
    response = client.post("/accounts/sign-in/two-factor/", {"code": demo_totp_code()})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return client


def resident_sign_in() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["kiban_language"] = "en"
    client.post("/accounts/sign-in/", {"username": "resident@demo.kiban.jp",
                                       "password": DEMO_PASSWORD})
    return client


def post_form(client: Client, url: str, overrides: dict, *, expect: int = 302, button=None):
    """Post the form on ``url`` as a browser would, with ``overrides`` typed in."""
    page = client.get(url)
    assert page.status_code == 200, url
    values, _choices = form_values(page.content.decode())
    values.update(overrides)
    if button:
        values.update(button)
    response = client.post(url, values)
    assert response.status_code == expect, _problems(response)
    return response


def _problems(response) -> str:
    html = response.content.decode()
    found = re.findall(r'class="field-error"[^>]*>(.*?)</span>\s*(?:</span>)?', html, re.S)
    notices = re.findall(r'class="notice[^"]*"[^>]*>(.*?)</', html, re.S)
    return repr(found or notices or html[-3000:])


def field_page(client: Client, editor: str, step_id: str, field_type: str, ja: str, en: str):
    """Add a question from the palette; return the URL of its page."""
    response = client.post(f"{editor}steps/{step_id}/fields/add/",
                           {"field_type": field_type, "label_ja": ja, "label_en": en})
    assert response.status_code == 302, _problems(response)
    return response["Location"]


def build_procedure(client: Client) -> str:
    """Build the three-step procedure in the builder's pages; return the editor's URL."""
    response = post_form(client, "/staff/builder/new/", {
        "code": CODE, "title_ja": "転入に伴う子育て支援の申請",
        "title_en": "Childcare support after moving in",
    })
    editor = response["Location"].split("#")[0]
    post_form(client, f"{editor}settings/", {
        "title_ja_easy": "ひっこしの あとの こそだての しえん",
        "purpose_ja": "転入した子育て世帯に支援の案内を送るために使います。",
        "purpose_en": "To send childcare support information to families who moved in.",
        "purpose_ja_easy": "こそだての しえんの おしらせを おくります。",
        "legal_basis": "東京都子育て支援条例 第5条", "retention_days": "1825",
        "offer_easy": "on",
    })
    post_form(client, f"{editor}steps/step_1/", {
        "title_ja": "申請者", "title_en": "About you", "title_ja_easy": "あなたの こと",
    })
    name = field_page(client, editor, "step_1", "name", "氏名", "Your name")
    post_form(client, name, {
        "id": "applicant_name", "label_ja_easy": "なまえ", "required": "on",
        "prefill": "person.name", "need": "申請者を確認するため。",
    })
    moved = field_page(client, editor, "step_1", "date", "転入した日", "Date you moved in")
    post_form(client, moved, {
        "id": "moved_on", "label_ja_easy": "ひっこした ひ", "required": "on",
        "help_ja": "和暦でも入力できます。", "help_en": "You may use the Japanese calendar.",
        "help_ja_easy": "れいわ でも かけます。", "option_max": "today",
        "need": "支援の対象期間を確認するため。",
    })
    client.post(f"{editor}steps/add/", {"title_ja": "住所", "title_en": "Address",
                                        "revision": ""})
    post_form(client, f"{editor}steps/step_2/", {"title_ja_easy": "じゅうしょ"})
    address = field_page(client, editor, "step_2", "postal_address", "住所", "Address")
    post_form(client, address, {
        "id": "address", "label_ja_easy": "じゅうしょ", "required": "on",
        "prefill": "person.address", "save_back": "on", "need": "案内を送るため。",
    })
    children = field_page(client, editor, "step_2", "yes_no", "お子さんはいますか",
                          "Do you have children?")
    post_form(client, children, {
        "id": "has_children", "label_ja_easy": "こどもは いますか", "required": "on",
        "need": "支援の対象か確認するため。",
    })
    client.post(f"{editor}steps/add/", {"title_ja": "お子さん", "title_en": "Children"})
    post_form(client, f"{editor}steps/step_3/", {
        "title_ja_easy": "こども", "show_if_0_path": "has_children",
        "show_if_0_operator": "equals", "show_if_0_value": "yes",
    })
    count = field_page(client, editor, "step_3", "number", "お子さんの人数",
                       "Number of children")
    post_form(client, count, {
        "id": "children_count", "label_ja_easy": "こどもの かず", "required": "on",
        "option_min": "1", "option_max": "10", "need": "支援額を決めるため。",
    })
    return editor


def apply_as_resident(client: Client) -> tuple[Submission, list[str]]:
    response = client.post(f"/services/{CODE}/")
    url = response["Location"]
    pages = []
    overrides = [{"f-moved_on": "令和8年4月1日"}, {"f-has_children": "yes"},
                 {"f-children_count": "2"}]
    for typed in overrides:
        page = client.get(url)
        pages.append(page.content.decode())
        values, _choices = form_values(pages[-1])
        values.update(typed)
        response = client.post(url, values)
        assert response.status_code == 302, _problems(response)
        url = response["Location"]
    assert url.endswith("/review/")
    client.post(url, {})
    public_id = re.search(r"/apply/([0-9a-f-]+)/", url).group(1)
    return Submission.objects.get(public_id=public_id), pages


def test_an_editor_builds_reviews_publishes_and_a_second_bureau_copies(demo):
    welfare = staff_sign_in(WELFARE)
    editor = build_procedure(welfare)

    quality = welfare.get(f"{editor}quality/").content.decode()
    assert "No errors" in quality, re.findall(r"<li class=\"finding-error\">(.*?)</li>",
                                             quality, re.S)
    assert welfare.post(f"{editor}submit/").status_code == 302
    version = Procedure.objects.get(code=CODE).versions.get()
    assert version.status == VersionStatus.IN_REVIEW
    post_form(welfare, f"{editor}review/", {"note": "確認しました。"},
              button={"action": "approve"})
    assert welfare.post(f"{editor}publish/").status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert version.submitted_by == version.approved_by == version.published_by
    assert version.definition["steps"][2]["show_if"] == {"==": [{"var": "has_children"}, True]}

    submission, pages = apply_as_resident(resident_sign_in())
    assert 'value="都民"' in pages[0] and 'value="トミン"' in pages[0]
    assert 'value="163-8001"' in pages[1] and 'value="2-8-1"' in pages[1]
    assert "Prefilled from" in pages[0]
    assert submission.status == "received"
    assert submission.version == version
    assert submission.organisation.code == "welfare"
    assert submission.answers["moved_on"] == "2026-04-01"
    assert submission.answers["applicant_name"]["family"] == "都民"

    welfare.post(f"/staff/builder/p/{CODE}/v1/share/", {"action": "share"})
    housing = staff_sign_in(HOUSING)
    templates = housing.get("/staff/builder/templates/").content.decode()
    template_id = re.search(r"/staff/builder/templates/(\d+)/copy/", templates).group(1)
    post_form(housing, f"/staff/builder/templates/{template_id}/copy/",
              {"code": "moving-in-support-housing"})
    copy = Procedure.objects.get(code="moving-in-support-housing")
    assert copy.organisation.code == "housing"
    assert copy.copied_from == version
    assert copy.versions.get().definition["steps"] == version.definition["steps"]
    assert AuditRecord.objects.filter(action="procedure.template_copy").exists()


def test_the_quality_gate_blocks_a_missing_english_label_and_says_where(demo):
    welfare = staff_sign_in(WELFARE)
    editor = build_procedure(welfare)
    version = Procedure.objects.get(code=CODE).versions.get()
    moved = f"{editor}fields/moved_on/"
    post_form(welfare, moved, {"label_en": ""})

    response = welfare.post(f"{editor}submit/")

    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    assert response["Location"].endswith("/quality/")
    quality = welfare.get(response["Location"]).content.decode()
    assert "The label has no English text." in quality
    assert "$.steps[0].fields[1].label.en" in quality
    assert f'href="{moved}#id_label_en"' in quality
    assert 'id="id_label_en"' in welfare.get(moved).content.decode()


def test_every_builder_action_is_audited_with_what_changed(demo):
    welfare = staff_sign_in(WELFARE)
    build_procedure(welfare)

    records = AuditRecord.objects.filter(action="procedure.version_edit")

    assert records.count() >= 10
    changed = [c for record in records for c in record.data["changes"]]
    assert {"kind": "changed", "part": "procedure", "id": "", "key": "retention_days"} in changed
    assert {"kind": "changed", "part": "step", "id": "step_3", "key": "show_if"} in changed
    assert {"kind": "added", "part": "field", "id": "name_1", "key": "step"} in changed
    assert all(record.actor.email == WELFARE for record in records)
    history = welfare.get(f"/staff/builder/p/{CODE}/history/").content.decode()
    assert "procedure.version_edit" in history
