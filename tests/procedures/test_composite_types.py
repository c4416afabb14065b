"""Composite field types: names, postal addresses, bank accounts, files and groups."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from hypothesis import given
from hypothesis import strategies as st

from kiban.procedures.field_types import FieldError, PendingUpload, RowErrors, field_types
from tests.procedures.builders import field, form_data

NAME = field("applicant", "name")
ADDRESS = field("address", "postal_address")
BANK = field("bank", "bank_account")


def parse(definition: dict, values: dict, files=None):
    kind = field_types[definition["type"]]
    return kind.parse(
        definition, form_data(values), files or MultiValueDict(), f"f-{definition['id']}"
    )


def name_data(family, given, family_reading="ヤマダ", given_reading="タロウ") -> dict:
    return {
        "f-applicant-family": family,
        "f-applicant-given": given,
        "f-applicant-family_reading": family_reading,
        "f-applicant-given_reading": given_reading,
    }


@pytest.mark.parametrize("family", ["𠮷田", "髙橋", "山﨑", "\ufa19田"])
def test_name_is_stored_exactly_as_typed(family):
    value = parse(NAME, name_data(family, "太郎")).value

    assert value["family"] == family
    assert value["family"].encode("utf-8") == family.encode("utf-8")


def test_name_readings_become_full_width_katakana():
    value = parse(NAME, name_data("山田", "太郎", "やまだ", "ﾀﾛｳ")).value

    assert (value["family_reading"], value["given_reading"]) == ("ヤマダ", "タロウ")


def test_name_refuses_readings_in_kanji_and_missing_family_name():
    with pytest.raises(FieldError) as caught:
        parse(NAME, name_data("山田", "太郎", "山田"))
    assert caught.value.code == "reading_not_kana"
    with pytest.raises(FieldError) as caught:
        parse(NAME, name_data("", "太郎"))
    assert caught.value.code == "name_family_missing"


@given(st.text(alphabet="𠮷髙﨑\ufa19\ufa10神塚山田川", min_size=1, max_size=8))
def test_name_round_trips_through_raw_inputs(family):
    value = parse(NAME, name_data(family, "花子")).value
    raw = field_types["name"].raw_from_value(NAME, value)

    again = parse(NAME, {f"f-applicant{suffix}": text for suffix, text in raw.items()}).value
    assert again == value


def test_name_match_key_folds_variants_but_value_does_not():
    kind = field_types["name"]

    assert kind.match_key({"family": "髙橋", "given": "一"}) == kind.match_key(
        {"family": "高橋", "given": "一"}
    )


def address_data(code, area="", street="2-8-1", building="", lookup=False) -> dict:
    data = {
        "f-address-postal_code": code,
        "f-address-area": area,
        "f-address-street": street,
        "f-address-building": building,
    }
    return {**data, "f-address-lookup": "1"} if lookup else data


def test_address_from_a_code_with_one_town():
    value = parse(
        ADDRESS, address_data("１６０－００２３", street="２－８－１", building="都庁第一本庁舎")
    ).value

    assert value["postal_code"] == "1600023"
    assert (value["prefecture"], value["city"], value["town"]) == ("東京都", "新宿区", "西新宿")
    assert value["street"] == "２－８－１"
    assert value["key"] == "新宿区西新宿2-8-1都庁第一本庁舎"


def test_address_with_several_towns_asks_to_choose():
    with pytest.raises(FieldError) as caught:
        parse(ADDRESS, address_data("028-7302"))
    assert caught.value.code == "address_area_missing"

    value = parse(ADDRESS, address_data("028-7302", area="岩手県|八幡平市|松川温泉")).value
    assert value["town"] == "松川温泉"


def test_address_code_covering_two_prefectures():
    value = parse(ADDRESS, address_data("4980000", area="三重県|桑名郡木曽岬町|", street="1")).value

    assert (value["prefecture"], value["city"], value["town"]) == ("三重県", "桑名郡木曽岬町", "")


def test_address_lookup_button_checks_only_the_code():
    kind = field_types["postal_address"]

    assert parse(ADDRESS, address_data("028-7302", street="", lookup=True)).value is None
    assert (
        kind.action(ADDRESS, form_data(address_data("0287302", lookup=True)), "f-address")
        == "f-address-lookup"
    )
    with pytest.raises(FieldError) as caught:
        parse(ADDRESS, address_data("000-0000", lookup=True))
    assert caught.value.code == "postal_code_unknown"


def test_address_refuses_bad_code_and_missing_street():
    with pytest.raises(FieldError) as caught:
        parse(ADDRESS, address_data("12345"))
    assert caught.value.code == "postal_code_format"
    with pytest.raises(FieldError) as caught:
        parse(ADDRESS, address_data("1600023", street=""))
    assert caught.value.code == "address_street_missing"


def test_address_raw_from_value_re_selects_the_town():
    value = parse(ADDRESS, address_data("0287302", area="岩手県|八幡平市|松川温泉")).value

    raw = field_types["postal_address"].raw_from_value(ADDRESS, value)

    assert raw["-postal_code"] == "028-7302"
    assert raw["-area"] == "岩手県|八幡平市|松川温泉"


def bank_data(**overrides) -> dict:
    data = {
        "bank_code": "０００１",
        "branch_code": "123",
        "account_type": "ordinary",
        "account_number": "１２３４５",
        "holder": "やまだ ﾀﾛｳ",
    }
    data.update(overrides)
    return {f"f-bank-{key}": value for key, value in data.items()}


def test_bank_account_accepts_full_width_and_pads_the_number():
    value = parse(BANK, bank_data()).value

    assert value == {
        "bank_code": "0001",
        "branch_code": "123",
        "account_type": "ordinary",
        "account_number": "0012345",
        "holder": "ヤマダ タロウ",
    }


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"bank_code": "12"}, "bank_bank_code"),
        ({"branch_code": "12a"}, "bank_branch_code"),
        ({"account_number": "12345678"}, "bank_account_number"),
        ({"account_type": "gold"}, "bank_account_type"),
        ({"holder": "山田太郎"}, "bank_holder_kana"),
    ],
)
def test_bank_account_refuses_bad_parts(overrides, code):
    with pytest.raises(FieldError) as caught:
        parse(BANK, bank_data(**overrides))
    assert caught.value.code == code


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def upload(content: bytes, name: str = "scan.pdf") -> MultiValueDict:
    return MultiValueDict({"f-doc": [SimpleUploadedFile(name, content, "application/pdf")]})


def test_file_returns_a_pending_upload_of_the_sniffed_kind():
    value = parse(field("doc", "file"), {}, upload(PDF)).value

    assert isinstance(value, PendingUpload)
    assert (value.kind, value.filename) == ("pdf", "scan.pdf")


def test_file_judges_by_content_not_by_name():
    with pytest.raises(FieldError) as caught:
        parse(field("doc", "file"), {}, upload(b"MZ\x90\x00 not a pdf"))
    assert caught.value.code == "file_type"
    with pytest.raises(FieldError):
        parse(
            field("doc", "file", options={"allowed_types": ["pdf"]}), {}, upload(PNG, "photo.png")
        )


def test_file_refuses_files_over_the_limit(settings):
    settings.KIBAN_MAX_ATTACHMENT_BYTES = 10

    with pytest.raises(FieldError) as caught:
        parse(field("doc", "file"), {}, upload(PDF))
    assert caught.value.code == "file_too_large"


def test_file_keeps_the_stored_file_unless_cleared():
    kind, definition = field_types["file"], field("doc", "file")
    stored = {"attachment": 1, "filename": "scan.pdf", "size": 10}

    assert kind.keep_previous(definition, form_data({}), "f-doc", stored) == stored
    assert kind.keep_previous(definition, form_data({"f-doc-clear": "1"}), "f-doc", None) is None
    assert kind.display(definition, stored, "ja") == "scan.pdf"


CHILDREN = field(
    "children",
    "group",
    options={"min_items": 1, "max_items": 3},
    fields=[field("name", "text", required=True), field("age", "number")],
)


def rows(*entries, **extra) -> dict:
    data = {"f-children-count": str(len(entries))}
    for index, (name, age) in enumerate(entries):
        data.update({f"f-children-{index}-name": name, f"f-children-{index}-age": age})
    return {**data, **extra}


def test_group_reads_rows_and_skips_blank_ones():
    value = parse(CHILDREN, rows(("はな", "３"), ("", ""), ("たろう", ""))).value

    assert value == [{"name": "はな", "age": 3}, {"name": "たろう", "age": None}]


def test_group_reports_errors_per_row():
    with pytest.raises(RowErrors) as caught:
        parse(CHILDREN, rows(("はな", "3"), ("", "x")))

    assert set(caught.value.details) == {"1.name", "1.age"}


def test_group_add_keeps_typed_rows_and_appends_one():
    data = form_data(rows(("はな", "3"), **{"f-children-add": "1"}))
    kind = field_types["group"]

    assert kind.action(CHILDREN, data, "f-children") == "f-children-add"
    assert kind.raw_from_data(CHILDREN, data, "f-children") == {
        "f-children-count": "2",
        "f-children-0-name": "はな",
        "f-children-0-age": "3",
    }


def test_group_remove_shifts_later_rows_up():
    data = form_data(
        rows(("はな", "3"), ("じろう", "5"), ("さぶろう", "7"), **{"f-children-remove-1": "1"})
    )
    kind = field_types["group"]

    raw = kind.raw_from_data(CHILDREN, data, "f-children")

    assert raw["f-children-count"] == "2"
    assert (raw["f-children-0-name"], raw["f-children-1-name"]) == ("はな", "さぶろう")
    assert kind.parse(CHILDREN, data, None, "f-children").value == [
        {"name": "はな", "age": 3},
        {"name": "さぶろう", "age": 7},
    ]


def test_group_cannot_grow_past_max_items():
    data = form_data(rows(("a", ""), ("b", ""), ("c", ""), **{"f-children-add": "1"}))

    assert (
        field_types["group"].raw_from_data(CHILDREN, data, "f-children")["f-children-count"] == "3"
    )


def test_group_round_trips_through_raw_inputs():
    value = [{"name": "はな", "age": 3}, {"name": "𠮷太郎", "age": None}]
    raw = field_types["group"].raw_from_value(CHILDREN, value)

    assert (
        parse(CHILDREN, {f"f-children{suffix}": text for suffix, text in raw.items()}).value
        == value
    )


def test_group_display_lists_rows():
    value = [{"name": "はな", "age": 3}, {"name": "たろう", "age": None}]

    shown = field_types["group"].display(CHILDREN, value, "en")

    assert shown == "Entry 1 (name (en): はな; age (en): 3)\nEntry 2 (name (en): たろう)"
