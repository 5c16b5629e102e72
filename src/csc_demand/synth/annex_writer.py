"""The Annex A lists of a simulated LA at an extract date, written as the Ofsted template workbook.

:func:`build_lists` makes the lists exactly as an LA would produce them at the extract date E (see
annex-a.md and the shared definitions): the window is [E − 6 months, E], both ends inclusive; Lists 1, 3,
4 and 5 hold the events in the window (4 and 5 also those still open at E); Lists 6, 7 and 8 hold one row
per child, the child's most recent episode, plan or period started on or before E, if it is open at E or
ended in the window. Dates after E are not yet known, so they are blank. The columns are the official
headers of :data:`csc_demand.tables.LISTS` (including the columns the reader drops, with fake staff names
and fake postcodes), with Ofsted-style coded values (``b) Female``, ``e) 2A: Schools``, ``a) Yes``).

:func:`write_annex_a` writes one workbook: a guidance sheet, then ``List_1`` … ``List_11`` with the title
in row 1 and the headers in row 2; dates are real date cells shown as dd/mm/yyyy. The same world and
date always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from csc_demand.errors import CscDemandError
from csc_demand.tables import (
    ABUSE_CATEGORIES,
    LISTS,
    PLACEMENT_GROUPS,
    REFERRAL_SOURCE_LABELS,
    SHORT_BREAK_LEGAL_STATUSES,
    window_start,
)

from .simulate import World, age_years

#: The document creation date written into every workbook (so the same data give the same bytes).
FIXED_CREATED = dt.datetime(2020, 1, 1, 0, 0, 0)
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")

_GENDER_LABELS = {"male": "a) Male", "female": "b) Female", "unknown": "c) Not stated/recorded (or unborn)",
                  "neither": "d) Neither"}
_ABUSE_LABELS = {letter: f"{letter}) {word.capitalize()}{'' if word in ('neglect', 'multiple') else ' abuse'}"
                 for letter, word in ABUSE_CATEGORIES.items()}
_REASON_LABELS = {
    "E11": "Adopted - application unopposed", "E12": "Adopted - consent dispensed with by the court",
    "E2": "Died", "E3": "Care taken over by another LA in the UK",
    "E4A": "Returned home to live with parents or other person with parental responsibility, as part of "
           "the care planning process",
    "E4B": "Returned home to live with parents or other person with parental responsibility, not as part "
           "of the care planning process",
    "E13": "Left care to live with parents, relatives or other person with no parental responsibility",
    "E41": "Residence order or child arrangement order granted",
    "E45": "Special guardianship order made to former foster carers, who are relatives or friends",
    "E46": "Special guardianship order made to former foster carers, other than relatives or friends",
    "E47": "Special guardianship order made to carers, not former foster carers, who are relatives or friends",
    "E48": "Special guardianship order made to carers, not former foster carers, other than relatives or "
           "friends",
    "E5": "Moved into independent living with supportive accommodation",
    "E6": "Moved into independent living with no formalised support",
    "E7": "Transferred to residential care funded by adult social care services",
    "E9": "Sentenced to custody", "E14": "Accommodation on remand ended",
    "E15": "Age assessment determined child is aged 18 or over",
    "E16": "Child moved abroad", "E17": "Aged 18 or over and remained with current carers",
    "E8": "Period of being looked after ceased for any other reason",
}
_REASON_FULL = {code: f"{chr(ord('a') + i)}) {code}: {text}" for i, (code, text) in enumerate(_REASON_LABELS.items())}
_PERMANENCE = ("a) Return to family", "b) Adoption", "c) Special guardianship order",
               "d) Long-term fostering", "e) Supported living in the community", "f) Residential care",
               "g) Other")
_FIRST_NAMES = ("Alex", "Sam", "Jo", "Priya", "Tom", "Aisha", "Ben", "Chloe", "Dan", "Ella", "Farah", "Gareth",
                "Hannah", "Imran", "Jess", "Kofi", "Laura", "Mo", "Nina", "Owen", "Rosa", "Sian", "Tariq", "Zoe")
_SURNAMES = ("Example", "Sample", "Testwood", "Fakeham", "Notreal", "Placeholder", "Madeup", "Dummy",
             "Synthetic", "Pretend", "Mockford", "Imagine")


def _days(values: pd.Series | np.ndarray) -> np.ndarray:
    """Dates → day numbers (int64, days since 1970-01-01); NaT must be removed first."""
    return np.asarray(values, dtype="datetime64[D]").astype(np.int64)


def _yes_no(values: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(values, dtype=bool), "a) Yes", "b) No").astype(object)


_FOSTERING_CODES = [code for code, group in PLACEMENT_GROUPS.items() if group == "Fostering"]


def _most_recent(frame: pd.DataFrame, extract_date: pd.Timestamp, ws: pd.Timestamp) -> pd.DataFrame:
    """One row per child: the most recent spell started on or before E, kept if open at E or ended in the window."""
    f = frame[frame["start_date"] <= extract_date]
    f = f.sort_values(["child_id", "start_date"], kind="stable").drop_duplicates("child_id", keep="last")
    end = f["end_date"]
    keep = end.isna() | (end >= ws)  # open at E, or ended in the window (ws is before E)
    return f[keep.to_numpy(dtype=bool)].sort_values(["start_date", "child_id"], kind="stable")


def _known(dates: pd.Series, extract_date: pd.Timestamp) -> pd.Series:
    """Dates after the extract date are not known yet: blank them."""
    return dates.where(dates <= extract_date)


class _Lists:
    """Builds the lists of one extract; ``rng`` fills the columns the model never reads."""

    def __init__(self, world: World, extract_date: pd.Timestamp) -> None:
        self.world = world
        self.e = pd.Timestamp(extract_date).normalize()
        self.ws = window_start(self.e)
        self.e_day = int(_days(np.array([self.e.to_datetime64()]))[0])
        self.rng = np.random.default_rng([world.seed, self.e_day])
        kids = world.children
        self.kids = kids.set_index("child_id")

    def common(self, child_ids: pd.Series) -> dict[str, object]:
        k = self.kids.loc[child_ids.to_numpy()]
        birth = _days(k["birth_date"].to_numpy())
        age = age_years(birth, np.full(len(birth), self.e_day))
        gender = k["gender"].map(_GENDER_LABELS).to_numpy(dtype=object)
        gender[age < 0] = _GENDER_LABELS["unknown"]
        return {"Child Unique ID": child_ids.to_numpy(dtype=object), "Gender": gender,
                "Ethnicity": k["ethnicity"].to_numpy(dtype=object), "Date of Birth": k["birth_date"].to_numpy(),
                "Age of Child (Years)": age}

    def staff(self, n: int, teams: tuple[str, ...]) -> dict[str, object]:
        first = np.array(_FIRST_NAMES, dtype=object)[self.rng.integers(0, len(_FIRST_NAMES), n)]
        last = np.array(_SURNAMES, dtype=object)[self.rng.integers(0, len(_SURNAMES), n)]
        return {"Allocated Team": np.array(teams, dtype=object)[self.rng.integers(0, len(teams), n)],
                "Allocated Worker": first + " " + last}

    def disability(self, n: int) -> np.ndarray:
        return np.where(self.rng.random(n) < 0.08, "a) Yes", "b) No").astype(object)

    def before(self, ref: pd.Series, max_days: int, floor: pd.Series | None = None) -> np.ndarray:
        """Plausible recent dates: up to ``max_days`` before ``ref`` (and not before ``floor``)."""
        out = ref.to_numpy(dtype="datetime64[ns]") - (self.rng.integers(0, max_days + 1, len(ref))
                                                      .astype("timedelta64[D]"))
        if floor is not None:
            out = np.maximum(out, floor.to_numpy(dtype="datetime64[ns]"))
        return out

    def in_window(self, dates: pd.Series) -> np.ndarray:
        return ((dates >= self.ws) & (dates <= self.e)).to_numpy(dtype=bool)

    # --- the lists ------------------------------------------------------------------------------------------

    def contacts(self) -> dict[str, object]:
        c = self.world.contacts
        c = c[self.in_window(c["contact_date"])]
        return {**self.common(c["child_id"]), "Date of Contact": c["contact_date"].to_numpy(),
                "Contact Source": c["source"].map(REFERRAL_SOURCE_LABELS).to_numpy(dtype=object)}

    def referrals(self) -> dict[str, object]:
        allr = self.world.referrals
        allr = allr[(allr["referral_date"] <= self.e).to_numpy(dtype=bool)]
        r = allr[self.in_window(allr["referral_date"])]
        latest = r.groupby("child_id")["referral_date"].max()
        prior = allr[allr["child_id"].isin(latest.index)]
        last = prior["child_id"].map(latest)
        in12 = (prior["referral_date"] > last - pd.DateOffset(months=12)) & (prior["referral_date"] <= last)
        n12 = prior[in12.to_numpy(dtype=bool)].groupby("child_id").size()
        return {**self.common(r["child_id"]), "Date of referral": r["referral_date"].to_numpy(),
                "Referral Source": r["source"].map(REFERRAL_SOURCE_LABELS).to_numpy(dtype=object),
                "Referral NFA?": _yes_no(r["nfa"].to_numpy()),
                "Number of Referrals in Last 12 Months": r["child_id"].map(n12).to_numpy(dtype=np.int64),
                **self.staff(len(r), ("Front Door", "MASH", "Assessment Team"))}

    def assessments(self) -> dict[str, object]:
        a = self.world.assessments
        a = a[(a["start_date"] <= self.e).to_numpy(dtype=bool)]
        auth = a["authorised_date"]
        open_ = (auth.isna() | (auth > self.e)).to_numpy(dtype=bool)
        a = a[self.in_window(a["start_date"]) | open_]
        auth = _known(a["authorised_date"], self.e)
        needs = np.where(auth.notna(), _yes_no(a["needs_support"].to_numpy()), None)
        return {**self.common(a["child_id"]), "Does the Child have a Disability": self.disability(len(a)),
                "Continuous Assessment Start Date": a["start_date"].to_numpy(),
                "Child Seen During Continuous Assessment": np.where(self.rng.random(len(a)) < 0.95, "a) Yes",
                                                                    "b) No").astype(object),
                "Continuous Assessment Date of Authorisation": auth.to_numpy(),
                "Was the child assessed as requiring LA children's social care support?": needs,
                **self.staff(len(a), ("Assessment Team", "Child in Need Team"))}

    def s47(self) -> dict[str, object]:
        s = self.world.s47
        s = s[(s["start_date"] <= self.e).to_numpy(dtype=bool)]
        icpc = s["icpc_date"]
        pending = (icpc.notna() & (icpc > self.e)).to_numpy(dtype=bool)
        s = s[self.in_window(s["start_date"]) | pending]
        icpc = _known(s["icpc_date"], self.e)
        held = icpc.notna().to_numpy(dtype=bool)
        unnecessary = np.where(s["icpc_date"].isna().to_numpy(dtype=bool), "a) Yes", "b) No").astype(object)
        last12 = self.world.s47
        last12 = last12[((last12["start_date"] <= self.e) &
                         (last12["start_date"] > self.e - pd.DateOffset(months=12))).to_numpy(dtype=bool)]
        n_s47 = last12.groupby("child_id").size()
        icpcs = last12[(last12["icpc_date"] <= self.e).fillna(False).to_numpy(dtype=bool)].groupby("child_id").size()
        return {**self.common(s["child_id"]), "Does the Child have a Disability": self.disability(len(s)),
                "Strategy discussion initiating Section 47 Enquiry Start Date": s["start_date"].to_numpy(),
                "Was an Initial Child Protection Conference deemed unnecessary?": unnecessary,
                "Date of Initial Child Protection Conference": icpc.to_numpy(),
                "Did the Initial Child Protection Conference Result in a Child Protection Plan":
                    np.where(held, _yes_no(s["icpc_plan"].to_numpy()), None),
                "Number of Section 47 Enquiries in the last 12 months":
                    s["child_id"].map(n_s47).fillna(0).to_numpy(dtype=np.int64),
                "Number of ICPCs in the last 12 months": s["child_id"].map(icpcs).fillna(0).to_numpy(dtype=np.int64),
                **self.staff(len(s), ("Child Protection Team", "Assessment Team"))}

    def children_in_need(self) -> dict[str, object]:
        c = _most_recent(self.world.cin, self.e, self.ws)
        end = _known(c["end_date"], self.e)
        closed = end.notna().to_numpy(dtype=bool)
        ref = end.fillna(self.e)
        return {**self.common(c["child_id"]), "Does the Child have a Disability": self.disability(len(c)),
                "CIN Start Date": c["start_date"].to_numpy(), "Primary Need Code": c["primary_need"].to_numpy(dtype=object),
                "Date Child Was Last Seen": self.before(ref, 30, c["start_date"]),
                "CIN Closure Date": end.to_numpy(),
                "Reason for Closure": np.where(closed, c["closure_reason"].to_numpy(dtype=object), None),
                "Case Status": np.where(closed, "b) Closed", "a) Open").astype(object),
                **self.staff(len(c), ("Child in Need Team", "Disabled Children's Team"))}

    def cp_plans(self) -> dict[str, object]:
        p = _most_recent(self.world.cp_plans, self.e, self.ws)
        end = _known(p["end_date"], self.e)
        ref = end.fillna(self.e)
        n = len(p)
        return {**self.common(p["child_id"]), "Does the Child have a Disability": self.disability(n),
                "Child Protection Plan Start Date": p["start_date"].to_numpy(),
                "Initial Category of Abuse": p["initial_category"].map(_ABUSE_LABELS).to_numpy(dtype=object),
                "Latest Category of Abuse": p["latest_category"].map(_ABUSE_LABELS).to_numpy(dtype=object),
                "Date of the Last Statutory Visit": self.before(ref, 14, p["start_date"]),
                "Was the Child Seen Alone?": np.where(self.rng.random(n) < 0.7, "a) Yes", "b) No").astype(object),
                "Date of latest review conference": self.before(ref, 180, p["start_date"]),
                "Child Protection Plan End Date": end.to_numpy(),
                "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)":
                    np.where(self.rng.random(n) < 0.03, "a) Yes", "b) No").astype(object),
                "Number of Previous Child Protection Plans": p["previous_plans"].to_numpy(dtype=np.int64),
                **self.staff(n, ("Child Protection Team", "Safeguarding Team"))}

    def looked_after(self) -> dict[str, object]:
        c = _most_recent(self.world.care_periods, self.e, self.ws)
        n = len(c)
        end = _known(c["end_date"], self.e)
        ended = end.notna().to_numpy(dtype=bool)
        ref = end.fillna(self.e)
        moved = (c["placement_start_date"] <= ref).to_numpy(dtype=bool)
        p_start = np.where(moved, c["placement_start_date"].to_numpy(), c["start_date"].to_numpy())
        p_type = np.where(moved, c["placement_type"].to_numpy(dtype=object), c["first_placement_type"].to_numpy(dtype=object))
        year_ago = ref - pd.DateOffset(months=12)
        later_move = (c["placement_start_date"] > c["start_date"]).to_numpy(dtype=bool)
        placements = 1 + (moved & later_move & (c["placement_start_date"] > year_ago).to_numpy(dtype=bool)).astype(np.int64)
        fostering = np.isin(p_type, _FOSTERING_CODES)
        legal = c["legal_status"].to_numpy(dtype=object)
        legal_start = np.where(legal == "E1", p_start, c["start_date"].to_numpy())
        short_break = np.isin(legal, list(SHORT_BREAK_LEGAL_STATUSES))
        perm = np.array(_PERMANENCE, dtype=object)[self.rng.integers(0, len(_PERMANENCE), n)]
        postcode = np.char.add(np.char.add("ZZ99 ", self.rng.integers(1, 10, n).astype(str)),
                               np.array(["AA", "AB", "BD", "EF", "GH", "QZ"])[self.rng.integers(0, 6, n)]).astype(object)
        urn = np.where(fostering, None, np.char.add("SC", self.rng.integers(100000, 999999, n).astype(str)).astype(object))
        missing = np.where(self.rng.random(n) < 0.1, self.rng.integers(1, 6, n), 0)
        return {**self.common(c["child_id"]),
                "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)": _yes_no(c["uasc"].to_numpy()),
                "Does the Child have a Disability": np.where(short_break, "a) Yes", self.disability(n)),
                "Date Started to be Looked After": c["start_date"].to_numpy(),
                "Child's Category of Need": c["category_of_need"].to_numpy(dtype=object),
                "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)":
                    _yes_no(c["subsequent_period_12m"].to_numpy()),
                "Start date of current legal status": legal_start,
                "Child's Legal Status": legal,
                "Date of Latest Statutory Review": self.before(ref, 180, c["start_date"]),
                "Date of Last Social Work Visit": self.before(ref, 42, c["start_date"]),
                "What is the permanence plan for this child?": perm,
                "Date of Last IRO Visit / Contact to the Child": self.before(ref, 120, c["start_date"]),
                "Date of Last Health Assessment": self.before(ref, 365, c["start_date"]),
                "Date of Last Dental Check": self.before(ref, 365, c["start_date"]),
                "Number of Placements in the Last 12 months": placements,
                "Date Ceased to be Looked After": end.to_numpy(),
                "Reason Ceased to be Looked After":
                    np.where(ended, c["reason_ceased"].map(_REASON_FULL).to_numpy(dtype=object), None),
                "Start Date of Most Recent Placement": p_start,
                "Placement Type": p_type,
                "Placement Provider": np.array(["PR1", "PR2", "PR3", "PR4", "PR5"], dtype=object)[
                    np.where(fostering, self.rng.integers(0, 2, n), self.rng.integers(2, 5, n))],
                "Placement postcode": postcode,
                "URN of Placement": urn,
                "Placement Location": np.where(self.rng.random(n) < 0.65, "a) In", "b) Out").astype(object),
                "LA of Placement": np.where(self.rng.random(n) < 0.65, "Synthshire", "Elsewhere County").astype(object),
                "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months": missing,
                "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months":
                    np.where(self.rng.random(n) < 0.05, 1, 0),
                "Was the child offered a Return Interview after their last missing episode (Y/N)?":
                    np.where(missing > 0, "a) Yes", None),
                "Did the child accept a Return Interview after their last missing episode (Y/N)?":
                    np.where(missing > 0, np.where(self.rng.random(n) < 0.6, "a) Yes", "b) No"), None),
                **self.staff(n, ("Children in Care Team", "Permanence Team", "Leaving Care Team"))}


def build_lists(world: World, extract_date: str | pd.Timestamp) -> dict[int, pd.DataFrame]:
    """The Annex A lists at ``extract_date``: list number → DataFrame with the official headers as columns.

    Lists 1, 3, 4, 5, 6, 7 and 8 have content; 2, 9, 10 and 11 are empty. Dates are ``datetime64[ns]``
    (``NaT`` for blank), codes are the template's labels, ``Age of Child (Years)`` is the age at the
    extract date (−1 unborn).
    """
    e = pd.Timestamp(extract_date).normalize()
    if e < world.start or e > world.end:
        raise CscDemandError(f"The extract date {e:%d/%m/%Y} is outside the simulated period "
                             f"({world.start:%d/%m/%Y} to {world.end:%d/%m/%Y}). Choose a date inside it.")
    b = _Lists(world, e)
    makers = {1: b.contacts, 3: b.referrals, 4: b.assessments, 5: b.s47, 6: b.children_in_need, 7: b.cp_plans,
              8: b.looked_after}
    out: dict[int, pd.DataFrame] = {}
    for spec in LISTS:
        if spec.number in makers:
            cols = makers[spec.number]()
            missing = [h for h in spec.headers if h not in cols]
            if missing:  # a programming error: every official column must be filled
                raise AssertionError(f"List {spec.number} builder lacks columns {missing}")
            out[spec.number] = pd.DataFrame({h: cols[h] for h in spec.headers})
        else:
            out[spec.number] = pd.DataFrame({h: pd.Series(dtype=object) for h in spec.headers})
    return out


def list_counts(world: World, extract_date: str | pd.Timestamp) -> dict[str, dict[str, int]]:
    """What a reader should find in the workbook of ``extract_date``, per clean table name.

    ``rows`` and ``children`` for every list with content; ``open_at_extract`` (open on the extract date)
    for ``children_in_need``, ``cp_plans`` and ``looked_after``. Short breaks (V3/V4) are not periods of
    care: they are left out of ``looked_after`` and counted in its ``short_break_rows``.
    """
    return counts_of_lists(build_lists(world, extract_date))


def counts_of_lists(lists: dict[int, pd.DataFrame]) -> dict[str, dict[str, int]]:
    """:func:`list_counts` of lists already built by :func:`build_lists`."""
    out: dict[str, dict[str, int]] = {}
    ends = {6: "CIN Closure Date", 7: "Child Protection Plan End Date", 8: "Date Ceased to be Looked After"}
    for number, frame in lists.items():
        spec = LISTS[number - 1]
        if not spec.used or frame.empty:
            continue
        extra = {}
        if number == 8:
            short = frame["Child's Legal Status"].isin(SHORT_BREAK_LEGAL_STATUSES).to_numpy(dtype=bool)
            extra["short_break_rows"] = int(short.sum())
            frame = frame[~short]
        entry = {"rows": len(frame), "children": int(frame["Child Unique ID"].nunique())}
        if number in ends:
            entry["open_at_extract"] = int(frame[ends[number]].isna().sum())
        out[spec.table] = {**entry, **extra}
    return out


# --- writing ---------------------------------------------------------------------------------------------

_GUIDANCE = (
    "Annex A – Child level data (synthetic)",
    "",
    "This workbook was made by csc-demand synth. It follows the layout of Ofsted's Annex A template (Lists 1–11,",
    "one sheet per list, title in row 1 and headers in row 2), but every child, date, name and postcode in it is",
    "made up by a simulation: no real child is in these data.",
    "",
    "The six-month window of each list ends on the extract date given below.",
)


def _excel_serial(values: np.ndarray) -> np.ndarray:
    """Dates → Excel serial day numbers (float; NaN for blank)."""
    d = np.asarray(values, dtype="datetime64[ns]")
    out = (d.astype("datetime64[D]") - _EXCEL_EPOCH).astype(np.int64).astype(float)
    out[np.isnat(d)] = np.nan
    return out


def _write_sheet(ws, title: str, frame: pd.DataFrame, date_fmt, bold) -> None:
    ws.write_string(0, 0, title, bold)
    for col, header in enumerate(frame.columns):
        ws.write_string(1, col, header, bold)
    for col, header in enumerate(frame.columns):
        values = frame[header]
        ws.set_column(col, col, 14 if pd.api.types.is_datetime64_any_dtype(values) else 18)
        if pd.api.types.is_datetime64_any_dtype(values):
            serial = _excel_serial(values.to_numpy())
            for row in np.flatnonzero(~np.isnan(serial)):
                ws.write_number(int(row) + 2, col, serial[row], date_fmt)
        elif pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(values):
            for row, v in enumerate(values.to_numpy(dtype=np.int64).tolist()):
                ws.write_number(row + 2, col, v)
        else:
            for row, v in enumerate(values.to_numpy(dtype=object).tolist()):
                if v is not None and not (isinstance(v, float) and np.isnan(v)):
                    ws.write_string(row + 2, col, str(v))


def write_annex_a(world: World, extract_date: str | pd.Timestamp, path: str | Path, *,
                  layout: str = "ofsted") -> Path:
    """Write the Annex A workbook of ``world`` at ``extract_date`` to ``path`` (an .xlsx file); returns the path.

    ``layout="ofsted"`` (the only layout so far) is the Ofsted template: a guidance sheet, then sheets
    ``List_1`` … ``List_11`` with the title ("List 3: Referral") in row 1 and the official headers in row 2.
    """
    if layout != "ofsted":
        raise CscDemandError(f"Unknown layout '{layout}'. The only layout is 'ofsted'.")
    e = pd.Timestamp(extract_date).normalize()
    return write_lists(build_lists(world, e), e, path)


def write_lists(lists: dict[int, pd.DataFrame], extract_date: pd.Timestamp, path: str | Path) -> Path:
    """Write lists made by :func:`build_lists` as the Ofsted template workbook; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    e = pd.Timestamp(extract_date)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    try:
        wb.set_properties({"title": "Annex A – Child level data (synthetic)", "author": "csc-demand synth",
                           "created": FIXED_CREATED})
        bold = wb.add_format({"bold": True})
        date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
        guide = wb.add_worksheet("Guidance")
        guide.set_column(0, 0, 110)
        for row, line in enumerate(_GUIDANCE):
            guide.write_string(row, 0, line, bold if row == 0 else None)
        guide.write_string(len(_GUIDANCE), 0, f"Extract date: {e:%d/%m/%Y}")
        for spec in LISTS:
            ws = wb.add_worksheet(f"List_{spec.number}")
            _write_sheet(ws, f"List {spec.number}: {spec.title}", lists[spec.number], date_fmt, bold)
    finally:
        try:
            wb.close()
        except (OSError, xlsxwriter.exceptions.FileCreateError) as exc:
            raise CscDemandError(f"Could not write the workbook {path}: {exc}. If the file is open in Excel, "
                                 "close it and try again; otherwise choose another folder.") from exc
    return path


def write_extracts(world: World, extract_dates: Iterable[str | pd.Timestamp], folder: str | Path, *,
                   counts: dict[str, dict] | None = None) -> list[Path]:
    """Write one workbook per extract date into ``folder`` (``annex_a_YYYY-MM-DD.xlsx``); returns the paths.

    If ``counts`` (a dict) is given, it is filled with :func:`list_counts` per extract date ("YYYY-MM-DD").
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for d in extract_dates:
        e = pd.Timestamp(d).normalize()
        lists = build_lists(world, e)
        out.append(write_lists(lists, e, folder / f"annex_a_{e:%Y-%m-%d}.xlsx"))
        if counts is not None:
            counts[f"{e:%Y-%m-%d}"] = counts_of_lists(lists)
    return out
