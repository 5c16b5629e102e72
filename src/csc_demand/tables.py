"""The clean tables that pass between the layers, and the Ofsted Annex A list definitions.

Everything downstream of reading (the model, the reports, the app) sees only the clean tables described
here, never a raw Annex A sheet. The reader (:mod:`csc_demand.io`) turns any of the many shapes of a real
Annex A file into these tables; the synthetic writer (:mod:`csc_demand.synth`) writes the official layout
from the same definitions, so the two can never drift apart.

Clean tables (pandas DataFrames, one row per event or per plan/period):

- dates are ``datetime64[ns]`` at midnight; ``NaT`` means missing (an open plan has ``end_date = NaT``);
- ``child_id`` is the pseudonymised ID (16 hex characters), never the LA's own ID;
- ``birth_month`` is the first day of the month of birth (the day is dropped at ingest);
- ``age_years`` is the age in whole years as reported in the list (``-1`` for an unborn child);
- codes are short upper-case strings (``"2A"``, ``"U4"``, ``"E11"``); booleans are pandas ``boolean``;
- ``extract_date`` is the extract that supplied the row (the newest one wins when extracts overlap).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

FieldKind = Literal["id", "date", "code", "int", "bool", "text", "drop"]


@dataclass(frozen=True)
class Field:
    """One column of an Annex A list.

    ``key`` is the clean column name (``None`` for a column that is read only to recognise the list and
    is then dropped), ``header`` the official Ofsted header, ``aliases`` other spellings seen in LA files.
    ``kind`` says how cells are parsed; ``drop`` columns hold personal data the model never needs (names,
    workers, teams, postcodes, URNs, ethnicity) and are discarded at ingest.
    """

    key: str | None
    header: str
    kind: FieldKind
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class ListSpec:
    """One Annex A list: its number, the clean table it becomes and its columns in template order."""

    number: int
    table: str
    title: str
    fields: tuple[Field, ...]
    date_key: str | None = None
    dedupe_keys: tuple[str, ...] = ()
    used: bool = True

    @property
    def headers(self) -> list[str]:
        """The official headers in template order."""
        return [f.header for f in self.fields]

    @property
    def clean_columns(self) -> list[str]:
        """The clean table's columns (kept fields, then ``extract_date``)."""
        return [f.key for f in self.fields if f.key is not None and f.kind != "drop"] + ["extract_date"]


_ID = Field("child_id", "Child Unique ID", "id",
            ("Child ID", "Unique ID", "Child Unique Identifier", "Child Identifier", "ID", "Person ID",
             "Client ID", "LA Child ID", "Child Reference", "Unique Child ID", "Child Number", "CUID",
             "Child Unique Reference", "Mosaic ID", "LCS ID", "Liquidlogic ID", "Eclipse ID", "CHILD"),
            required=True)
_GENDER = Field("gender", "Gender", "code", ("Sex", "Child Gender"))
_ETHNICITY = Field(None, "Ethnicity", "drop", ("Ethnic Group", "Ethnic Origin"))
_DOB = Field("birth_month", "Date of Birth", "date", ("DOB", "Birth Date", "Child Date of Birth"))
_AGE = Field("age_years", "Age of Child (Years)", "int", ("Age", "Age of Child", "Age (Years)", "Age in Years",
                                                           "Child Age", "Age at Referral"))
_DISABILITY = Field(None, "Does the Child have a Disability", "drop", ("Disability", "Disabled"))
_TEAM = Field(None, "Allocated Team", "drop", ("Team",))
_WORKER = Field(None, "Allocated Worker", "drop", ("Worker", "Social Worker", "Allocated Social Worker"))
_COMMON = (_ID, _GENDER, _ETHNICITY, _DOB, _AGE)
_STAFF = (_TEAM, _WORKER)

CONTACTS = ListSpec(1, "contacts", "Contacts", _COMMON + (
    Field("contact_date", "Date of Contact", "date", ("Contact Date",), required=True),
    Field("source", "Contact Source", "code", ("Source of Contact", "Source")),
), date_key="contact_date", dedupe_keys=("child_id", "contact_date", "source"))

EARLY_HELP = ListSpec(2, "early_help", "Early Help", _COMMON + (
    Field(None, "Assessment start date", "drop", ("Early Help Assessment Start Date",)),
    Field(None, "Assessment completion date", "drop", ("Early Help Assessment Completion Date",)),
    Field(None, "Organisation completing assessment", "drop", ()),
), used=False)

REFERRALS = ListSpec(3, "referrals", "Referral", _COMMON + (
    Field("referral_date", "Date of referral", "date",
          ("Referral Date", "Date of Referral Received", "Referral Received Date", "Date Referral Received",
           "Referral Start Date", "Date Referral Started"),
          required=True),
    Field("source", "Referral Source", "code", ("Source of Referral", "Referral Source Code", "Source")),
    Field("nfa", "Referral NFA?", "bool", ("Referral NFA", "NFA", "Referral No Further Action",
                                           "No Further Action")),
    Field(None, "Number of Referrals in Last 12 Months", "drop",
          ("Number of Referrals in the Last 12 Months", "Referrals in Last 12 Months")),
) + _STAFF, date_key="referral_date", dedupe_keys=("child_id", "referral_date", "source"))

ASSESSMENTS = ListSpec(4, "assessments", "Assessments", _COMMON + (
    _DISABILITY,
    Field("start_date", "Continuous Assessment Start Date", "date",
          ("Assessment Start Date", "Start Date of Assessment"), required=True),
    Field(None, "Child Seen During Continuous Assessment", "drop", ("Child Seen During Assessment",)),
    Field("authorised_date", "Continuous Assessment Date of Authorisation", "date",
          ("Assessment Authorisation Date", "Assessment Completion Date", "Date of Authorisation")),
    Field("needs_support", "Was the child assessed as requiring LA children's social care support?", "bool",
          ("Assessed as requiring LA children's social care support",)),
) + _STAFF, date_key="start_date", dedupe_keys=("child_id", "start_date"))

S47 = ListSpec(5, "s47", "Section 47 Enquiries and Initial Child Protection Conferences", _COMMON + (
    _DISABILITY,
    Field("start_date", "Strategy discussion initiating Section 47 Enquiry Start Date", "date",
          ("Section 47 Enquiry Start Date", "S47 Start Date", "Strategy Discussion Date"), required=True),
    Field(None, "Was an Initial Child Protection Conference deemed unnecessary?", "drop", ()),
    Field("icpc_date", "Date of Initial Child Protection Conference", "date", ("ICPC Date",)),
    Field("icpc_plan", "Did the Initial Child Protection Conference Result in a Child Protection Plan", "bool",
          ("ICPC Resulted in CP Plan",)),
    Field(None, "Number of Section 47 Enquiries in the last 12 months", "drop", ()),
    Field(None, "Number of ICPCs in the last 12 months", "drop", ()),
) + _STAFF, date_key="start_date", dedupe_keys=("child_id", "start_date"))

CHILDREN_IN_NEED = ListSpec(6, "children_in_need", "Children in Need", _COMMON + (
    _DISABILITY,
    Field("start_date", "CIN Start Date", "date", ("Children in Need Start Date", "CIN Episode Start Date"),
          required=True),
    Field("primary_need", "Primary Need Code", "code", ("Primary Need", "Category of Need")),
    Field(None, "Date Child Was Last Seen", "drop", ()),
    Field("end_date", "CIN Closure Date", "date", ("CIN End Date", "Closure Date")),
    Field("closure_reason", "Reason for Closure", "code", ("CIN Closure Reason",)),
    Field(None, "Case Status", "drop", ()),
) + _STAFF, date_key="start_date", dedupe_keys=("child_id", "start_date"))

CP_PLANS = ListSpec(7, "cp_plans", "Child Protection", _COMMON + (
    _DISABILITY,
    Field("start_date", "Child Protection Plan Start Date", "date",
          ("CP Plan Start Date", "CPP Start Date", "Plan Start Date", "Start Date of CP Plan", "CP Start Date",
           "Date CP Plan Started", "Child Protection Plan Start", "CP Start", "Start Date of CP",
           "Date Child Protection Plan Started"), required=True),
    Field("initial_category", "Initial Category of Abuse", "code", ("Initial Category",)),
    Field("latest_category", "Latest Category of Abuse", "code", ("Latest Category", "Category of Abuse")),
    Field(None, "Date of the Last Statutory Visit", "drop", ("Date of Last Statutory Visit",)),
    Field(None, "Was the Child Seen Alone?", "drop", ()),
    Field(None, "Date of latest review conference", "drop", ("Date of Latest Review Conference",)),
    Field("end_date", "Child Protection Plan End Date", "date",
          ("CP Plan End Date", "CPP End Date", "Plan End Date", "End Date of CP Plan", "CP End Date",
           "Date CP Plan Ended", "Child Protection Plan End", "CP End", "End Date of CP",
           "Date Child Protection Plan Ended")),
    Field(None, "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
          "drop", ()),
    Field("previous_plans", "Number of Previous Child Protection Plans", "int",
          ("Number of Previous CP Plans", "Previous CP Plans")),
) + _STAFF, date_key="start_date", dedupe_keys=("child_id", "start_date"))

LOOKED_AFTER = ListSpec(8, "looked_after", "Children in Care", (
    _ID, _GENDER, _ETHNICITY, _DOB, _AGE,
    Field("uasc", "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)", "bool",
          ("UASC", "Unaccompanied Asylum Seeking Child", "UASC (Y/N)")),
    _DISABILITY,
    Field("start_date", "Date Started to be Looked After", "date",
          ("Date Started Looked After", "Start Date of Period of Care", "Date Became Looked After",
           "CLA Start Date", "Period of Care Start Date", "Date Started Care", "Date Entered Care",
           "Care Start Date", "Start Date of Care", "Date Became Looked After Child", "DECOM"), required=True),
    Field("category_of_need", "Child's Category of Need", "code", ("Category of Need",)),
    Field("subsequent_period_12m",
          "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
          "bool", ("Second or Subsequent Period of Care",)),
    Field(None, "Start date of current legal status", "drop", ()),
    Field("legal_status", "Child's Legal Status", "code", ("Legal Status", "Current Legal Status",
                                                           "Legal Status Code", "LS")),
    Field(None, "Date of Latest Statutory Review", "drop", ()),
    Field(None, "Date of Last Social Work Visit", "drop", ()),
    Field(None, "What is the permanence plan for this child?", "drop", ("Permanence Plan",)),
    Field(None, "Date of Last IRO Visit / Contact to the Child", "drop", ()),
    Field(None, "Date of Last Health Assessment", "drop", ()),
    Field(None, "Date of Last Dental Check", "drop", ()),
    Field("placements_12m", "Number of Placements in the Last 12 months", "int", ()),
    Field("end_date", "Date Ceased to be Looked After", "date",
          ("Date Ceased Looked After", "Date Ceased", "CLA End Date", "Period of Care End Date", "Date Ceased Care",
           "Date Left Care", "Care End Date", "End Date of Care", "DEC"),),
    Field("reason_ceased", "Reason Ceased to be Looked After", "code",
          ("Reason Ceased", "Reason Episode Ceased", "Reason Ceased Care", "Reason for Ceasing Care", "REC")),
    Field("placement_start_date", "Start Date of Most Recent Placement", "date", ("Placement Start Date",)),
    Field("placement_type", "Placement Type", "code", ("Placement", "Placement Type Code", "Current Placement Type",
                                                       "Placement Code", "PLACE")),
    Field(None, "Placement Provider", "drop", ()),
    Field(None, "Placement postcode", "drop", ("Placement Postcode", "Postcode")),
    Field(None, "URN of Placement", "drop", ("Placement URN", "URN")),
    Field(None, "Placement Location", "drop", ()),
    Field(None, "LA of Placement", "drop", ("Local Authority of Placement",)),
    Field(None, "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
          "drop", ()),
    Field(None, "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
          "drop", ()),
    Field(None, "Was the child offered a Return Interview after their last missing episode (Y/N)?", "drop", ()),
    Field(None, "Did the child accept a Return Interview after their last missing episode (Y/N)?", "drop", ()),
) + _STAFF, date_key="start_date", dedupe_keys=("child_id", "start_date"))

CARE_LEAVERS = ListSpec(9, "care_leavers", "Care Leavers", _COMMON + (
    Field(None, "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)", "drop", ()),
    _DISABILITY, _TEAM, _WORKER,
    Field(None, "Allocated Personal Advisor", "drop", ("Personal Adviser",)),
    Field(None, "Eligibility Category", "drop", ()),
    Field(None, "Latest Pathway Plan Review Date", "drop", ()),
    Field(None, "LA in Touch", "drop", ()),
    Field(None, "Latest Date of Contact", "drop", ()),
    Field(None, "Type of Accommodation", "drop", ()),
), used=False)

ADOPTION = ListSpec(10, "adoption", "Adoption", _COMMON + (
    _DISABILITY,
    Field(None, "Date the Child Entered Care", "drop", ()),
    Field(None, "Date of Decision that Child Should be Placed for Adoption", "drop", ()),
    Field(None, "Date of Placement Order", "drop", ()),
    Field(None, "Date of Matching Child and Prospective Adopters", "drop", ()),
    Field(None, "Date Placed for Adoption", "drop", ()),
    Field(None, "Date of Adoption Order", "drop", ()),
), used=False)

ADOPTERS = ListSpec(11, "adopters", "Adopters", (
    Field(None, "Adopter Unique ID", "drop", ("Adopter ID",)),
    Field(None, "Adopter Gender", "drop", ()),
    Field(None, "Adopter Ethnicity", "drop", ()),
    Field(None, "Date enquiry received", "drop", ()),
    Field(None, "Date Stage 1 started", "drop", ()),
    Field(None, "Date Stage 1 ended", "drop", ()),
    Field(None, "Date Stage 2 started", "drop", ()),
    Field(None, "Date Stage 2 ended", "drop", ()),
    Field(None, "Date application submitted", "drop", ()),
    Field(None, "Date application approved", "drop", ()),
), used=False)

#: Every list in template order.
LISTS: tuple[ListSpec, ...] = (CONTACTS, EARLY_HELP, REFERRALS, ASSESSMENTS, S47, CHILDREN_IN_NEED, CP_PLANS,
                               LOOKED_AFTER, CARE_LEAVERS, ADOPTION, ADOPTERS)
LISTS_BY_TABLE: dict[str, ListSpec] = {s.table: s for s in LISTS}
#: The lists the model cannot run without.
REQUIRED_TABLES: tuple[str, ...] = ("referrals", "cp_plans", "looked_after")
#: The lists read when present.
USED_TABLES: tuple[str, ...] = tuple(s.table for s in LISTS if s.used)

# --- codes -----------------------------------------------------------------------------------------------

#: CIN census referral source codes → the source groups used in breakdowns.
REFERRAL_SOURCE_GROUPS: dict[str, str] = {
    "1A": "Individual", "1B": "Individual", "1C": "Individual", "1D": "Individual",
    "2A": "Schools", "2B": "Education services",
    "3A": "Health", "3B": "Health", "3C": "Health", "3D": "Health", "3E": "Health", "3F": "Health",
    "4": "Housing",
    "5A": "LA services", "5B": "LA services", "5C": "LA services", "5D": "LA services",
    "6": "Police", "7": "Other legal agency", "8": "Other", "9": "Anonymous", "10": "Unknown",
}
#: The referral source groups in breakdown order (each once).
SOURCE_GROUP_ORDER: tuple[str, ...] = tuple(dict.fromkeys(REFERRAL_SOURCE_GROUPS.values()))
#: Letter prefixes of the Ofsted template's referral source codes (``"e) 2A: Schools"``).
REFERRAL_SOURCE_LABELS: dict[str, str] = {
    "1A": "a) 1A: Individual", "1B": "b) 1B: Individual", "1C": "c) 1C: Individual", "1D": "d) 1D: Individual",
    "2A": "e) 2A: Schools", "2B": "f) 2B: Education services",
    "3A": "g) 3A: Health services", "3B": "h) 3B: Health services", "3C": "i) 3C: Health services",
    "3D": "j) 3D: Health services", "3E": "k) 3E: Health services", "3F": "l) 3F: Health services",
    "4": "m) 4: Housing", "5A": "n) 5A: LA services", "5B": "o) 5B: LA services", "5C": "p) 5C: LA services",
    "5D": "p1) 5D: LA services", "6": "q) 6: Police", "7": "r) 7: Other legal agency", "8": "s) 8: Other",
    "9": "t) 9: Anonymous", "10": "u) 10: Unknown",
}

ABUSE_CATEGORIES = {"a": "neglect", "b": "physical", "c": "sexual", "d": "emotional", "e": "multiple"}

#: SSDA903 placement codes → the placement groups used for costs and breakdowns.
PLACEMENT_GROUPS: dict[str, str] = {
    **{c: "Fostering" for c in ("U1", "U2", "U3", "U4", "U5", "U6")},
    **{c: "Adoption" for c in ("A3", "A4", "A5", "A6")},
    "P1": "Placed with parents",
    **{c: "Residential" for c in ("K1", "K2", "R1", "R2", "R5", "S1")},
    **{c: "Supported accommodation" for c in ("H5", "P2", "P3")},
    **{c: "Other" for c in ("R3", "Z1", "T0", "T1", "T2", "T3", "T4")},
}
PLACEMENT_GROUP_ORDER = ("Fostering", "Residential", "Supported accommodation", "Placed with parents",
                         "Adoption", "Other", "Unknown")

#: Legal statuses that are short breaks: not periods of care for demand purposes.
SHORT_BREAK_LEGAL_STATUSES = ("V3", "V4")

#: Age bands (lower bound inclusive, upper exclusive, in whole years; -1 = unborn counts as under 1).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Under 1", -1, 1), ("1 to 4", 1, 5), ("5 to 9", 5, 10), ("10 to 15", 10, 16), ("16 to 17", 16, 18),
)
AGE_BAND_LABELS = tuple(b[0] for b in AGE_BANDS)


def day_label(d) -> str:
    """A date as people write it in reports and messages: ``5 Jan 2021`` (a date or Timestamp)."""
    return f"{d.day} {d.strftime('%b %Y')}"


def age_band(age_years: pd.Series) -> pd.Series:
    """Age band label for ages in whole years (``-1`` unborn → "Under 1"; missing → "Unknown")."""
    bins = [b[1] for b in AGE_BANDS] + [AGE_BANDS[-1][2]]
    out = pd.cut(pd.to_numeric(age_years, errors="coerce"), bins=bins, right=False, labels=list(AGE_BAND_LABELS))
    return out.astype("string").fillna("Unknown")


# --- the containers ----------------------------------------------------------------------------------------

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Problem:
    """One data-quality finding, located as the user sees it in Excel.

    ``row`` is the 1-based spreadsheet row (or CSV line), ``column`` the header as written in the file.
    ``message`` is plain English and never contains a child-level value (no ID, name, date of birth).
    ``kind`` is a short stable code used for grouping (e.g. ``"bad_date"``, ``"duplicate_row"``).
    """

    severity: Severity
    kind: str
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    row_not_used: bool = False

    def to_dict(self) -> dict:
        """The JSON form used by ``validate --json``."""
        return {"severity": self.severity, "kind": self.kind, "file": self.file, "sheet": self.sheet,
                "row": self.row, "column": self.column, "message": self.message}


@dataclass
class QualityReport:
    """Everything the reader noticed: where each list was found, and every problem with its location."""

    problems: list[Problem] = field(default_factory=list)
    #: table name → list of "file › sheet (header row N)" locations it was read from
    sources: dict[str, list[str]] = field(default_factory=dict)
    #: table name → rows read from the files (before removing anything)
    rows_read: dict[str, int] = field(default_factory=dict)
    #: table name → rows replaced by the same plan/period/referral from a newer extract (merging extracts)
    rows_replaced: dict[str, int] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @property
    def rows_not_used(self) -> int:
        """Rows read from a list but not used, each explained by one problem."""
        return sum(1 for p in self.problems if p.row_not_used)


#: How far back an Annex A extract's lists reach (Lists 1 and 3–8).
WINDOW_MONTHS = 6


def window_start(extract_date: pd.Timestamp) -> pd.Timestamp:
    """The first day of an extract's window: the extract date minus six calendar months.

    The window is ``[window_start, extract_date]``, both ends included."""
    return pd.Timestamp(extract_date) - pd.DateOffset(months=WINDOW_MONTHS)


@dataclass(frozen=True)
class Extract:
    """One Annex A extract: the date it was taken and the start of its six-month window."""

    extract_date: pd.Timestamp
    window_start: pd.Timestamp
    source: str


@dataclass
class AnnexA:
    """The clean, pseudonymised Annex A lists of one LA (one or several extracts merged).

    ``tables`` maps table names (``referrals``, ``cp_plans``, ``looked_after``, and when present
    ``contacts``, ``assessments``, ``s47``, ``children_in_need``) to clean DataFrames with the columns of
    :attr:`ListSpec.clean_columns` (plus derived columns the reader adds: ``source_group`` for referrals
    and contacts, ``placement_group`` for looked-after children).
    ``extract_date`` is the newest extract date; ``extract_date_source`` says how it was found
    (``"user"``, ``"file name"`` or ``"latest event"``). ``extracts`` lists every extract merged, oldest
    first, so the model knows which periods were observed.
    """

    tables: dict[str, pd.DataFrame]
    extract_date: pd.Timestamp
    extract_date_source: str
    extracts: list[Extract]
    quality: QualityReport

    @property
    def referrals(self) -> pd.DataFrame:
        return self.tables["referrals"]

    @property
    def cp_plans(self) -> pd.DataFrame:
        return self.tables["cp_plans"]

    @property
    def looked_after(self) -> pd.DataFrame:
        return self.tables["looked_after"]

    @property
    def observed_from(self) -> pd.Timestamp:
        """The earliest date covered by any extract's window."""
        return min(e.window_start for e in self.extracts)


# --- the forecast ------------------------------------------------------------------------------------------

#: The measures every forecast holds. Flows (referrals, starts) are counts in the period; stocks (``*_open``)
#: are counts open at its end.
MEASURES = ("referrals", "cp_starts", "cp_open", "cla_starts", "cla_open")
#: Plain-English names for the measures (charts, Excel, the app).
MEASURE_LABELS = {
    "referrals": "Referrals", "cp_starts": "Child protection plans started",
    "cp_open": "Open child protection plans (end of period)", "cla_starts": "Children starting care",
    "cla_open": "Children looked after (end of period)", "cost_gbp": "Cost (£)",
    "social_workers": "Social workers needed",
}

#: Columns of :attr:`Forecast.table` and :attr:`Forecast.actuals`, in order.
FORECAST_COLUMNS = ("scenario", "measure", "period_type", "period", "period_start", "breakdown", "group",
                    "quantile", "value")
ACTUAL_SCENARIO = "Actual"


@dataclass
class Forecast:
    """A forecast for one or several scenarios: ONE long table, plus the actuals in the same shape.

    ``table`` columns (:data:`FORECAST_COLUMNS`):

    - ``scenario``: the scenario's name;
    - ``measure``: one of :data:`MEASURES`, or ``cost_gbp`` (£ in the period, at that period's prices) and
      ``social_workers`` (full-time equivalents needed at the end of the period);
    - ``period_type``: ``"month"`` (calendar month) or ``"fy"`` (financial year, April–March);
    - ``period``: ``"2021-01"`` for a month, ``"2021-22"`` for a financial year;
    - ``period_start``: the first day of the period (Timestamp);
    - ``breakdown`` / ``group``: ``"total"`` / ``"All"``, or e.g. ``"age_band"`` / ``"1 to 4"``,
      ``"placement_group"`` / ``"Fostering"``, ``"source_group"`` / ``"Police"``, ``"cost_group"`` /
      ``"Residential"`` or ``"Child protection plans"``;
    - ``quantile``: 0.1, 0.5, 0.9 (and any others asked for); flows are summed per draw before the
      quantile is taken, so a financial year's P90 is the P90 of yearly totals;
    - ``value``: the number (float).

    ``actuals`` has the same columns with ``scenario = "Actual"`` and ``quantile = 0.5``, over the observed
    history. Every output (chart, Excel sheet, JSON) is a view of these two tables; no output computes
    anything of its own. ``backtest`` (optional) is the backtest table, ``estimates`` the Estimates used,
    ``scenarios`` the Scenario objects in order. ``window_fit`` (optional) is the model against the actual
    open plans and children looked after over the latest observed window
    (:func:`csc_demand.model.window_fit`): counts per date only.
    """

    table: pd.DataFrame
    actuals: pd.DataFrame
    extract_date: pd.Timestamp
    scenarios: tuple
    estimates: object
    draws: int
    seed: int
    months: int
    quality: QualityReport | None = None
    backtest: pd.DataFrame | None = None
    la_name: str | None = None
    window_fit: pd.DataFrame | None = None
