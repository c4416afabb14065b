"""The insights app's models: raw journey events and answers, their rollups, service data
entered by staff, and the organisation KPI catalogue."""

from kiban.insights.models.journeys import JourneyEvent, JourneyRollup, JourneyState, PageViewRollup
from kiban.insights.models.kpis import KpiValue, OrgKpi
from kiban.insights.models.rollups import RollupCursor
from kiban.insights.models.satisfaction import SatisfactionResponse, SatisfactionRollup
from kiban.insights.models.service import ChannelVolume, Publication, ServiceCost

__all__ = [
    "ChannelVolume",
    "JourneyEvent",
    "JourneyRollup",
    "JourneyState",
    "KpiValue",
    "OrgKpi",
    "PageViewRollup",
    "Publication",
    "RollupCursor",
    "SatisfactionResponse",
    "SatisfactionRollup",
    "ServiceCost",
]
