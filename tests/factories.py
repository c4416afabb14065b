"""factory_boy factories for every model; tests never build rows by hand."""

import factory
from django.utils import timezone

from kiban.identity.constants import OrganisationKind, Role, UserKind
from kiban.identity.models import Membership, Organisation, User
from kiban.registry.constants import Method, SourceKind, SubjectKind, ValueType
from kiban.registry.models import Attribute, Consent, Fact, Subject


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"bureau-{n}")
    kind = OrganisationKind.BUREAU
    name_ja = factory.Sequence(lambda n: f"テスト局{n}")
    name_en = factory.Sequence(lambda n: f"Test Bureau {n}")
    contact = "03-0000-0000"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    display_name = factory.Sequence(lambda n: f"利用者{n}")
    kind = UserKind.RESIDENT
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    kind = SubjectKind.PERSON


class ResidentFactory(UserFactory):
    subject = factory.RelatedFactory(SubjectFactory, factory_related_name="user")


class StaffFactory(UserFactory):
    kind = UserKind.STAFF
    email = factory.Sequence(lambda n: f"staff{n}@metro.example.jp")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(StaffFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CASE_WORKER


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribute
        django_get_or_create = ("code",)

    code = "person.phone"
    subject_kind = SubjectKind.PERSON
    value_type = ValueType.PHONE
    label_ja = "電話番号"
    label_en = "Phone number"


class FactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fact

    subject = factory.SubFactory(SubjectFactory)
    attribute = factory.SubFactory(AttributeFactory)
    value = "0312345678"
    source_kind = SourceKind.SELF
    method = Method.DECLARED
    valid_from = factory.LazyFunction(timezone.localdate)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    subject = factory.SubFactory(SubjectFactory)
    purpose = "prefill"


# --- procedures and submissions (added with the staff inbox) ---------------------------

def _procedure_definition(code: str) -> dict:
    return {
        "code": code,
        "title": {"ja": "児童手当の申請", "en": "Child allowance application"},
        "legal_basis": "児童手当法第7条",
        "steps": [{
            "id": "s1",
            "title": {"ja": "連絡先", "en": "Contact"},
            "fields": [{
                "id": "phone", "type": "phone", "label": {"ja": "電話番号", "en": "Phone"},
                "required": True, "prefill": "person.phone", "save_back": True,
            }],
        }],
    }


def _content_hash(definition: dict) -> str:
    from kiban.procedures.services import canonical_hash

    return canonical_hash(definition)


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "procedures.Procedure"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"procedure-{n}")
    organisation = factory.SubFactory(OrganisationFactory)


class ProcedureVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "procedures.ProcedureVersion"

    procedure = factory.SubFactory(ProcedureFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = "published"
    definition = factory.LazyAttribute(lambda o: _procedure_definition(o.procedure.code))
    content_hash = factory.LazyAttribute(lambda o: _content_hash(o.definition))
    published_at = factory.LazyFunction(timezone.now)


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A submitted case (status received) of a resident, owned by the procedure's bureau."""

    class Meta:
        model = "submissions.Submission"

    version = factory.SubFactory(ProcedureVersionFactory)
    organisation = factory.LazyAttribute(lambda o: o.version.procedure.organisation)
    applicant = factory.SubFactory(ResidentFactory)
    subject = factory.LazyAttribute(lambda o: o.applicant.subject)
    status = "received"
    reference = factory.Sequence(lambda n: f"2026{n:07d}-X")
    answers = factory.LazyFunction(lambda: {"phone": "0312345678"})
    prefill = factory.LazyFunction(
        lambda: {"phone": {"source": "児童手当の申請", "recorded_at": "2026-04-01",
                           "attribute": "person.phone"}}
    )
    submitted_at = factory.LazyFunction(timezone.now)


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "submissions.StatusChange"

    submission = factory.SubFactory(SubmissionFactory)
    from_status = "draft"
    to_status = "received"


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "submissions.Message"

    submission = factory.SubFactory(SubmissionFactory)
    kind = "comment"
    body = "確認します。"


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "submissions.Attachment"

    submission = factory.SubFactory(SubmissionFactory)
    field_id = "proof"
    file = factory.django.FileField(filename="proof.pdf", data=b"%PDF-1.4 test")
    filename = "proof.pdf"
    content_type = "application/pdf"
    size = 13
    sha256 = "0" * 64
