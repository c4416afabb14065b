"""factory_boy factories for the insights models."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from kiban.insights import models
from tests.factories import OrganisationFactory, ProcedureFactory


def this_month() -> date:
    return timezone.localdate().replace(day=1)


class JourneyEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.JourneyEvent

    at = factory.LazyFunction(timezone.now)
    month = factory.LazyFunction(this_month)
    kind = "start"
    procedure = factory.SubFactory(ProcedureFactory)
    organisation = factory.LazyAttribute(lambda o: o.procedure.organisation)
    journey = factory.Sequence(lambda n: f"{n:032x}")
    device = "mobile"


class JourneyRollupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.JourneyRollup

    month = factory.LazyFunction(this_month)
    procedure = factory.SubFactory(ProcedureFactory)
    organisation = factory.LazyAttribute(lambda o: o.procedure.organisation)
    kind = "start"
    count = 100


class SatisfactionResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SatisfactionResponse

    month = factory.LazyFunction(this_month)
    procedure = factory.SubFactory(ProcedureFactory)
    organisation = factory.LazyAttribute(lambda o: o.procedure.organisation)
    ending = "submitted"
    score = 9


class SatisfactionRollupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SatisfactionRollup

    month = factory.LazyFunction(this_month)
    procedure = factory.SubFactory(ProcedureFactory)
    organisation = factory.LazyAttribute(lambda o: o.procedure.organisation)
    ending = "submitted"
    score = 9
    count = 10


class ChannelVolumeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ChannelVolume

    procedure = factory.SubFactory(ProcedureFactory)
    month = factory.LazyFunction(this_month)
    channel = "counter"
    count = 100


class ServiceCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceCost

    procedure = factory.SubFactory(ProcedureFactory)
    grain = "month"
    period_start = factory.LazyFunction(this_month)
    amount_yen = Decimal(100_000)


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Publication

    procedure = factory.SubFactory(ProcedureFactory)
    is_public = True


class OrgKpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OrgKpi

    code = factory.Sequence(lambda n: f"kpi-{n}")
    name_ja = "コピー用紙の購入枚数"
    name_en = "Copy paper purchased"
    definition_ja = "購入したコピー用紙の枚数"
    definition_en = "Sheets of copy paper bought"
    unit_ja = "枚"
    unit_en = "sheets"
    owner = factory.SubFactory(OrganisationFactory)
    grain = "fiscal_year"
    baseline_value = Decimal(200_000_000)
    baseline_period = "FY2016"
    target_value = Decimal(100_000_000)
    target_date = date(2022, 3, 31)
    is_public = True


class KpiValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.KpiValue

    kpi = factory.SubFactory(OrgKpiFactory)
    grain = "fiscal_year"
    period_start = date(2021, 4, 1)
    value = Decimal(90_000_000)
    status = "approved"
    provenance = "published"
