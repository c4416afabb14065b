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
