"""A user setting described once: its limits, unit, label and help, and the one check every reader uses.

The scenario's types (:mod:`csc_demand.scenario`), the workforce settings (:mod:`csc_demand.workforce`), the
scenario file reader and the app's widgets all take a setting's limits and words from its :class:`Setting`,
so adding or changing a setting touches one description (docs/architecture.md says how).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from csc_demand.errors import CscDemandError


def fmt_number(x: float) -> str:
    """A bound or value as people write it: 1,000 or 0.05."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.4g}"


@dataclass(frozen=True)
class Setting:
    """A numeric setting: bounds (inclusive), unit, a one-line description (with its source where it has one),
    a short label for forms, and whether it must be a whole number."""

    low: float
    high: float
    unit: str
    description: str
    label: str = ""
    whole: bool = False

    def check(self, name: str, value: Any, where: str = "") -> float | int:
        """The value as a float (an int for whole numbers) when it is a number within the bounds.

        Raises
        ------
        CscDemandError
            Naming ``where`` (e.g. "shock 'Lockdown'") and the setting, the bounds and the value given.
        """
        if self.whole and isinstance(value, float) and value.is_integer():
            value = int(value)
        ok = not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value) \
            and (isinstance(value, int) or not self.whole) and self.low <= value <= self.high
        if not ok:
            what = "a whole number" if self.whole else ("a share" if self.unit == "a share" else "a number")
            prefix = f"{where}: " if where else ""
            raise CscDemandError(f"{prefix}{name} must be {what} from {fmt_number(self.low)} to "
                                 f"{fmt_number(self.high)}, got {value!r}.")
        return int(value) if self.whole else float(value)


__all__ = ["Setting", "fmt_number"]
