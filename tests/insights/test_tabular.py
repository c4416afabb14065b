"""CSV uploads: encodings, wrong columns, bad cells, duplicates (kiban.insights.tabular)."""

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiban.insights import tabular
from kiban.insights.tabular import CellError, Column

COLUMNS = [
    Column("procedure", tabular.text, ("手続コード",)),
    Column("month", tabular.text, ("月",)),
    Column("count", tabular.count, ("件数",)),
]
CSV = "手続コード,月,件数\r\nchild-allowance,2025-04,１，２３４\r\nchild-allowance,2025-05,12\r\n"


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("utf-8"),
        lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
        lambda s: s.encode("shift_jis"),
        lambda s: s.encode("cp932"),
        lambda s: s.encode("utf-16"),
    ],
)
def test_utf8_bom_shift_jis_and_utf16_all_read(encode):
    table = tabular.read_table(encode(CSV), COLUMNS)

    assert table.ok
    assert [row["count"] for row in table.rows] == [1234, 12]


def test_shift_jis_is_named_in_the_result():
    assert tabular.read_table(CSV.encode("shift_jis"), COLUMNS).encoding == "shift_jis"


def test_wrong_columns_are_each_reported():
    table = tabular.read_table(b"procedure,period,amount,extra\r\nx,y,1,2\r\n", COLUMNS)

    codes = {(e.column, e.code) for e in table.errors}
    assert ("month", "missing_column") in codes
    assert ("count", "missing_column") in codes
    assert ("extra", "unknown_column") in codes
    assert not table.rows


def test_every_bad_row_is_reported_with_its_line():
    data = (
        b"procedure,month,count\r\n"
        b"a,2025-04,-3\r\n"
        b"b,2025-04,abc\r\n"
        b"c,2025-04,1.5\r\n"
        b"d,2025-04,\r\n"
        b"e,2025-04,7\r\n"
    )

    table = tabular.read_table(data, COLUMNS)

    assert [(e.line, e.code) for e in table.errors] == [
        (2, "negative"),
        (3, "not_a_number"),
        (4, "not_whole"),
        (5, "required"),
    ]
    assert [row["procedure"] for row in table.rows] == ["e"]


def test_duplicate_periods_point_to_the_first_line():
    data = b"procedure,month,count\r\na,2025-04,1\r\n\r\na,2025-04,2\r\n"

    table = tabular.read_table(data, COLUMNS, key=("procedure", "month"))

    assert [(e.line, e.code, e.params) for e in table.errors] == [
        (4, "duplicate_row", {"first": 2})
    ]


def test_undecodable_and_empty_files_are_refused():
    assert tabular.read_table(b"\xff\xfe\xfa\x00\x81", COLUMNS).errors[0].code in {
        "encoding",
        "missing_column",
    }
    assert tabular.read_table(b"", COLUMNS).errors[0].code == "empty"
    assert tabular.read_table(b"procedure,month,count\r\n", COLUMNS).errors[0].code == "no_rows"


def test_binary_garbage_is_an_encoding_error():
    assert tabular.read_table(bytes(range(128, 256)) * 3, COLUMNS).errors[0].code == "encoding"


@given(st.integers(0, 10**12), st.booleans(), st.booleans())
def test_counts_read_with_separators_and_in_full_width(number, separators, wide):
    text = f"{number:,}" if separators else str(number)
    if wide:
        text = text.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))

    assert tabular.count(text) == number


@given(st.text(max_size=12))
def test_count_either_reads_a_number_or_says_why(text):
    try:
        value = tabular.count(text)
    except CellError as error:
        assert error.code in {"required", "not_a_number", "negative", "not_whole"}
    else:
        assert isinstance(value, int) and value >= 0
