"""Every local authority's published series as one array per measure (authorities × years), on a log scale.

The forecasts work on ``z = log(1 + count)`` so that a change is a proportion and a count of 0 is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from csc_demand.io.dfe import SUCCESSIONS, DfePublished

#: The measures forecast, in this order (a contract of ``csc-demand national``).
FORECAST_MEASURES: tuple[str, ...] = ("referrals", "cp_starts", "cp_at_31_march", "cin_at_31_march",
                                      "cla_at_31_march", "cla_starts")
#: The children's population (aged 0 to 17), for rates per child.
POPULATION = "population_0_17"


@dataclass(frozen=True, eq=False)
class Panel:
    """Published figures as arrays: ``z[measure]`` has shape (authorities, years), NaN where not published.

    ``codes`` are the authorities' codes (a code that only changed carries its predecessor's years; the old
    code is not a row of its own); ``years`` are the years ending 31 March, consecutive; ``children`` is
    log(1 + the ONS estimate of children aged 0 to 17) in the same shape (NaN where not published; all NaN
    when not given) and ``region`` each authority's region (for the gap to the region's rate).
    """

    codes: tuple[str, ...]
    years: np.ndarray
    z: dict[str, np.ndarray]
    moved: dict[str, str] = field(default_factory=dict)  # an old code -> the code whose row carries its years
    children: np.ndarray | None = None
    region: tuple[str, ...] = ()

    def upto(self, through: int) -> Panel:
        """The same panel with every figure after ``through`` removed (the years are kept, as NaN)."""
        keep = self.years <= through
        children = None if self.children is None else np.where(keep[None, :], self.children, np.nan)
        return Panel(self.codes, self.years, {m: np.where(keep[None, :], a, np.nan) for m, a in self.z.items()},
                     self.moved, children, self.region)

    def row(self, code: str) -> int:
        """The row of ``code`` (an old code's is its successor's, which holds its years)."""
        return self.codes.index(self.moved.get(code, code))


def build_panel(pub: DfePublished, measures: tuple[str, ...] = FORECAST_MEASURES) -> Panel:
    """The local authorities' figures of ``pub`` as a :class:`Panel` (log(1 + count) by authority and year).

    Parameters
    ----------
    pub : DfePublished
        From :func:`csc_demand.io.dfe.read_dfe`.
    measures : tuple of str
        The measures to hold.

    Returns
    -------
    Panel
        One row per local authority code (a code that only changed, with the same area, carries its
        predecessor's years and the predecessor has no row); one column per year ending 31 March. The
        children's population (``population_0_17``) and the regions come along when published.

    Example
    -------
    >>> from csc_demand.io.dfe import read_dfe
    >>> p = build_panel(read_dfe())
    >>> p.z["cla_at_31_march"].shape[0] > 150
    True
    """
    all_local = pub.table[pub.table["level"] == "local"]
    local = all_local[all_local["measure"].isin(measures + (POPULATION,))]
    years = np.arange(int(local.loc[local["measure"] != POPULATION, "year"].min()),
                      int(local.loc[local["measure"] != POPULATION, "year"].max()) + 1)
    wide = local.pivot_table(index=["measure", "la_code"], columns="year", values="value", aggfunc="first",
                             dropna=False).reindex(columns=years)
    codes = sorted(local["la_code"].unique())
    moved = {s.old[0]: s.new[0] for s in SUCCESSIONS if s.continues and s.new[0] in codes and s.old[0] in codes}
    kept = tuple(c for c in codes if c not in moved)
    def rows(m: str) -> np.ndarray:
        if m not in wide.index.get_level_values("measure"):
            return np.full((len(kept), len(years)), np.nan)
        block = wide.xs(m, level="measure").reindex(codes)
        for old, new in moved.items():
            block.loc[new] = block.loc[new].combine_first(block.loc[old])
        return np.log1p(block.reindex(list(kept)).to_numpy(dtype=float))

    region = all_local.drop_duplicates("la_code", keep="last").set_index("la_code")["region"]
    return Panel(codes=kept, years=years, z={m: rows(m) for m in measures}, moved=moved,
                 children=rows(POPULATION), region=tuple(str(region.get(c, "")) for c in kept))
