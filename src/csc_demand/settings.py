"""A user setting described once: its limits, unit, label and help, and the one check every reader uses.

The scenario's types (:mod:`csc_demand.scenario`), the workforce settings (:mod:`csc_demand.workforce`), the
scenario file reader and the app's widgets all take a setting's limits and words from its :class:`Setting`,
so adding or changing a setting touches one description (docs/architecture.md says how).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from csc_demand.errors import CscDemandError


def fmt_number(x: float) -> str:
    """A bound or value as people write it: 1,000 or 0.05."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.4g}"


@dataclass(frozen=True)
class Setting:
    """A numeric setting: bounds (inclusive), unit, a one-line description (with its source where it has one),
    a short label for forms, and whether it must be a whole number.

    What a form needs beyond that is a property of the setting too, so the app draws each box from here:
    ``help`` is the plain-English help shown beside the box (default: ``description``); ``step`` is what the
    box's + and − add (default: 1 for whole numbers and wide ranges, 0.005 for a setting between 0 and 1);
    ``fmt`` is how the box shows a value, printf-style (default: ``%d`` for whole numbers, pence for £, else
    as many decimals as the step, at least one).

    Example
    -------
    >>> s = Setting(0, 100, "%", "The share that come back.", "Share that come back (%)", step=5)
    >>> s.help, s.step, s.fmt
    ('The share that come back.', 5, '%.1f')
    """

    low: float
    high: float
    unit: str
    description: str
    label: str = ""
    whole: bool = False
    help: str = field(default="", kw_only=True)
    step: float = field(default=0, kw_only=True)
    fmt: str = field(default="", kw_only=True)

    def __post_init__(self) -> None:
        if not self.help:
            object.__setattr__(self, "help", self.description)
        if not self.step:
            object.__setattr__(self, "step", 1 if self.whole or self.high - self.low > 1 else 0.005)
        if not self.fmt:
            decimals = max(1, len(f"{self.step:.6f}".rstrip("0").partition(".")[2]))
            fmt = "%d" if self.whole else ("%.2f" if self.unit.startswith("£") else f"%.{decimals}f")
            object.__setattr__(self, "fmt", fmt)

    def phrase(self, value: float) -> str:
        """The setting and a value in words, for plain-English descriptions: the label (first letter lower
        case) ``=`` the value in the label's unit, e.g. "median length of a child protection plan = 40 weeks",
        "change in referrals during the shock = -40%", "fostering = £900 per child per week".

        Example
        -------
        >>> Setting(1, 1000, "weeks", "The median length.", "Median length of a plan (weeks)").phrase(40)
        'median length of a plan = 40 weeks'
        """
        base, _, unit = self.label.partition(" (")
        unit = unit.removesuffix(")").split(",")[0].strip()
        number = fmt_number(value)
        if unit.startswith("%"):
            amount = f"{number}{unit}"
        elif unit.startswith("£"):
            amount = f"£{number}{unit[1:]}"
        else:
            amount = f"{number} {unit}".strip()
        return f"{base[:1].lower()}{base[1:]} = {amount}"

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
