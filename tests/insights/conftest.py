import pytest

from kiban.identity.constants import OrganisationKind, Role
from tests.factories import MembershipFactory, OrganisationFactory, ProcedureVersionFactory
from tests.submissions.test_staff_views import signed_in_with_two_factor


@pytest.fixture
def bureau(db):
    return OrganisationFactory(code="welfare", name_ja="福祉局", name_en="Bureau of Social Welfare")


@pytest.fixture
def other_bureau(db):
    return OrganisationFactory(code="housing", name_ja="住宅政策本部", name_en="Housing")


@pytest.fixture
def platform(db):
    return OrganisationFactory(
        code="digital-service",
        kind=OrganisationKind.PLATFORM,
        name_ja="デジタルサービス局",
        name_en="Digital Service Bureau",
    )


@pytest.fixture
def procedure(bureau):
    return ProcedureVersionFactory(
        procedure__code="child-allowance", procedure__organisation=bureau
    ).procedure


@pytest.fixture
def other_procedure(other_bureau):
    return ProcedureVersionFactory(
        procedure__code="housing-application", procedure__organisation=other_bureau
    ).procedure


@pytest.fixture
def analyst(bureau):
    return MembershipFactory(organisation=bureau, role=Role.ANALYST).user


@pytest.fixture
def analyst_client(client, analyst):
    return signed_in_with_two_factor(client, analyst)


@pytest.fixture
def platform_admin(platform):
    return MembershipFactory(organisation=platform, role=Role.ADMIN).user


@pytest.fixture
def platform_client(client, platform_admin):
    return signed_in_with_two_factor(client, platform_admin)
