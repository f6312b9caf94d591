"""Validation of EED consumptions and benchmarks: pandera schemas, domain rules, a report."""

from relay_analytics.validation.report import ValidationReport, finding_line
from relay_analytics.validation.rules import RULES, Rule, Thresholds
from relay_analytics.validation.schemas import (
    BenchmarkModel,
    ConsumptionModel,
    PropertyModel,
    UnitModel,
)
from relay_analytics.validation.validate import validate_eed

__all__ = [
    "RULES",
    "BenchmarkModel",
    "ConsumptionModel",
    "PropertyModel",
    "Rule",
    "Thresholds",
    "UnitModel",
    "ValidationReport",
    "finding_line",
    "validate_eed",
]
