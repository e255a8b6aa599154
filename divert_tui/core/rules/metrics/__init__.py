"""The figures of the service, defined once: words (``definitions``), SQL (``queries``),
folding (``figures``), relative rates (``disparity``), suppression and publishing.

The reports screen, ``divert report`` and every export use these and nothing else.
"""

from divert_tui.core.rules.metrics.definitions import METRICS, Metric, definitions
from divert_tui.core.rules.metrics.timing import Period, last_complete_months

__all__ = ["METRICS", "Metric", "Period", "definitions", "last_complete_months"]
