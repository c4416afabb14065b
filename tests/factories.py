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


class OutboxEventFactory(factory.django.DjangoModelFactory):
    """An event of the outbox, already sequenced (as after the sequencer ran)."""

    class Meta:
        model = "events.OutboxEvent"

    type = "submission.created"
    organisation = factory.SubFactory(OrganisationFactory)
    payload = factory.LazyFunction(lambda: {"reference": "20260000001-X"})
    sequence = factory.Sequence(lambda n: n + 1)


class WebhookSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.WebhookSubscription"

    system = factory.SubFactory("tests.factories.MemberSystemFactory")
    purpose = "benefit-payment"
    url = "http://127.0.0.1:9/kiban-events"
    event_types = factory.LazyFunction(lambda: ["submission.created"])
    secret = factory.Sequence(lambda n: f"whsec_test-secret-{n:04d}")


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Delivery"

    event = factory.SubFactory(OutboxEventFactory)
    subscription = factory.SubFactory(WebhookSubscriptionFactory)


# --- exchange: member systems, credentials, contracts (added with the integration API) ------

def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def _later(**delta):
    from datetime import timedelta

    return timezone.now() + timedelta(**delta)


def _days_ago(days: int):
    from datetime import timedelta

    return timezone.localdate() - timedelta(days=days)


class MemberSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exchange.MemberSystem"

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"tokyo/bureau-{n}/case-system")
    name = factory.Sequence(lambda n: f"業務システム{n}")
    client_id = factory.Sequence(lambda n: f"kiban-client-{n:04d}")


class ClientSecretFactory(factory.django.DjangoModelFactory):
    """A secret whose plain text is `plain` (a test knows it; kiban keeps only the hash)."""

    class Meta:
        model = "exchange.ClientSecret"
        exclude = ("plain",)

    system = factory.SubFactory(MemberSystemFactory)
    plain = factory.Sequence(lambda n: f"test-secret-{n:04d}")
    secret_hash = factory.LazyAttribute(lambda o: _sha256(o.plain))
    hint = factory.LazyAttribute(lambda o: o.plain[-4:])


class AccessTokenFactory(factory.django.DjangoModelFactory):
    """A bearer token `plain`, valid for ten minutes from now."""

    class Meta:
        model = "exchange.AccessToken"
        exclude = ("plain",)

    secret = factory.SubFactory(ClientSecretFactory)
    system = factory.LazyAttribute(lambda o: o.secret.system)
    plain = factory.Sequence(lambda n: f"test-token-{n:04d}")
    token_hash = factory.LazyAttribute(lambda o: _sha256(o.plain))
    expires_at = factory.LazyFunction(lambda: _later(minutes=10))


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exchange.Contract"

    system = factory.SubFactory(MemberSystemFactory)
    purpose = "benefit-payment"
    legal_basis = "児童手当法第7条"
    valid_from = factory.LazyFunction(lambda: _days_ago(30))


class AcknowledgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exchange.Acknowledgement"

    system = factory.SubFactory(MemberSystemFactory)
    submission = factory.SubFactory(SubmissionFactory)
