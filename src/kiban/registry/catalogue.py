"""The standard attribute catalogue every kiban installation starts with."""

from django.db import transaction

from kiban.registry.constants import Sensitivity, SubjectKind, ValueType
from kiban.registry.models import Attribute

P, B = SubjectKind.PERSON, SubjectKind.BUSINESS

# code, subject kind, value type, Japanese, English, easy Japanese, sensitivity
STANDARD_ATTRIBUTES = [
    ("person.name", P, ValueType.NAME, "氏名", "Name", "なまえ", Sensitivity.NORMAL),
    (
        "person.birth_date",
        P,
        ValueType.DATE,
        "生年月日",
        "Date of birth",
        "うまれた ひ",
        Sensitivity.NORMAL,
    ),
    ("person.sex", P, ValueType.CHOICE, "性別", "Sex", "せいべつ", Sensitivity.SENSITIVE),
    ("person.address", P, ValueType.ADDRESS, "住所", "Address", "じゅうしょ", Sensitivity.NORMAL),
    (
        "person.phone",
        P,
        ValueType.PHONE,
        "電話番号",
        "Phone number",
        "でんわばんごう",
        Sensitivity.NORMAL,
    ),
    (
        "person.email",
        P,
        ValueType.EMAIL,
        "メールアドレス",
        "E-mail address",
        "メールアドレス",
        Sensitivity.NORMAL,
    ),
    (
        "person.bank_account",
        P,
        ValueType.BANK_ACCOUNT,
        "振込先口座",
        "Bank account for payments",
        "おかねを うけとる ぎんこうの こうざ",
        Sensitivity.SENSITIVE,
    ),
    (
        "person.household_size",
        P,
        ValueType.TEXT,
        "世帯人数",
        "Household size",
        "いっしょに すむ ひとの かず",
        Sensitivity.NORMAL,
    ),
    (
        "business.name",
        B,
        ValueType.TEXT,
        "法人名",
        "Business name",
        "かいしゃの なまえ",
        Sensitivity.PUBLIC,
    ),
    (
        "business.corporate_number",
        B,
        ValueType.CORPORATE_NUMBER,
        "法人番号",
        "Corporate number",
        "ほうじんばんごう",
        Sensitivity.PUBLIC,
    ),
    (
        "business.address",
        B,
        ValueType.ADDRESS,
        "所在地",
        "Registered address",
        "かいしゃの じゅうしょ",
        Sensitivity.PUBLIC,
    ),
    (
        "business.phone",
        B,
        ValueType.PHONE,
        "代表電話番号",
        "Business phone number",
        "かいしゃの でんわばんごう",
        Sensitivity.NORMAL,
    ),
    (
        "business.employees",
        B,
        ValueType.TEXT,
        "従業員数",
        "Number of employees",
        "はたらく ひとの かず",
        Sensitivity.NORMAL,
    ),
]


@transaction.atomic
def catalogue_load() -> int:
    """Create or update the standard attributes; return how many exist."""
    for code, kind, value_type, ja, en, easy, sensitivity in STANDARD_ATTRIBUTES:
        Attribute.objects.update_or_create(
            code=code,
            defaults={
                "subject_kind": kind,
                "value_type": value_type,
                "label_ja": ja,
                "label_en": en,
                "label_easy": easy,
                "sensitivity": sensitivity,
            },
        )
    return Attribute.objects.count()
