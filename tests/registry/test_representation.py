"""Proxy and representation: a parent for a child, a representative for a business; recorded
in the registry, visible to both, checked on every read made on the subject's behalf."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kiban.registry import selectors
from kiban.registry.constants import AccessorKind, RepresentationKind, SubjectKind
from kiban.registry.services import fact_record, representation_end, representation_record
from tests.factories import ResidentFactory, SubjectFactory

pytestmark = pytest.mark.django_db
NAME = {"family": "都民", "given": "一郎", "family_reading": "トミン", "given_reading": "イチロウ"}


@pytest.fixture
def parent_and_child(db):
    from kiban.registry.catalogue import catalogue_load

    catalogue_load()
    parent, child = ResidentFactory(), SubjectFactory()
    fact_record(
        subject=child,
        attribute_code="person.name",
        value=NAME,
        source_kind="self",
        method="declared",
    )
    representation = representation_record(
        subject=child, agent=parent, kind=RepresentationKind.PARENT, actor=parent
    )
    return parent, child, representation


def _read(agent, subject):
    return selectors.facts_read(
        subject=subject,
        attribute_codes=["person.name"],
        purpose="representation",
        accessor=selectors.Accessor(kind=AccessorKind.REPRESENTATIVE, user=agent),
    )


def test_a_parent_reads_their_childs_name_and_the_read_is_logged(parent_and_child):
    parent, child, _ = parent_and_child

    facts = _read(parent, child)

    assert facts["person.name"].value == NAME
    assert child.access_records.get().accessor_user == parent


def test_someone_without_a_representation_reads_nothing(parent_and_child):
    _, child, _ = parent_and_child

    assert _read(ResidentFactory(), child) == {}


def test_an_ended_representation_is_refused_from_that_day(parent_and_child):
    parent, child, representation = parent_and_child

    representation_end(representation=representation, actor=parent)

    assert _read(parent, child) == {}
    assert not selectors.acts_for(agent=parent, subject=child)


def test_a_representation_starting_tomorrow_does_not_count_today(db):
    agent, subject = ResidentFactory(), SubjectFactory()
    representation_record(
        subject=subject,
        agent=agent,
        kind=RepresentationKind.GUARDIAN,
        valid_from=timezone.localdate() + timedelta(days=1),
    )

    assert not selectors.acts_for(agent=agent, subject=subject)


def test_both_sides_see_the_representation_on_my_data(parent_and_child, client):
    parent, child, _ = parent_and_child
    client.force_login(parent)

    page = client.get("/my/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "You can act for 都民 一郎" in page
    assert list(selectors.representations_for(subject=child))[0].agent == parent


def test_a_business_representative_applies_for_the_business(db):
    agent = ResidentFactory()
    business = SubjectFactory(kind=SubjectKind.BUSINESS)
    representation_record(subject=business, agent=agent, kind=RepresentationKind.REPRESENTATIVE)

    assert selectors.applying_subject(user=agent, business=True) == business
    assert business.representatives.filter(pk=agent.pk).exists()
