"""The Ofsted Annex A list definitions: each list's columns (:class:`Field`) in template order with the
official headers and the other spellings seen in local authorities' files, and the lists themselves
(:class:`ListSpec`, Lists 1 to 11).

The reader (:mod:`csc_demand.io`) recognises any of the many shapes of a real Annex A file from these
definitions; the synthetic writer (:mod:`csc_demand.synth`) writes the official layout from the same ones, so
the two can never drift apart. :mod:`csc_demand.tables` re-exports every public name here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
             "Child Unique Reference", "Mosaic ID", "LCS ID", "Liquidlogic ID", "Eclipse ID"),
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
           "Care Start Date", "Start Date of Care", "Date Became Looked After Child"), required=True),
    Field("category_of_need", "Child's Category of Need", "code", ("Category of Need",)),
    Field("subsequent_period_12m",
          "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
          "bool", ("Second or Subsequent Period of Care",)),
    Field(None, "Start date of current legal status", "drop", ()),
    Field("legal_status", "Child's Legal Status", "code", ("Legal Status", "Current Legal Status",
                                                           "Legal Status Code")),
    Field(None, "Date of Latest Statutory Review", "drop", ()),
    Field(None, "Date of Last Social Work Visit", "drop", ()),
    Field(None, "What is the permanence plan for this child?", "drop", ("Permanence Plan",)),
    Field(None, "Date of Last IRO Visit / Contact to the Child", "drop", ()),
    Field(None, "Date of Last Health Assessment", "drop", ()),
    Field(None, "Date of Last Dental Check", "drop", ()),
    Field("placements_12m", "Number of Placements in the Last 12 months", "int", ()),
    Field("end_date", "Date Ceased to be Looked After", "date",
          ("Date Ceased Looked After", "Date Ceased", "CLA End Date", "Period of Care End Date", "Date Ceased Care",
           "Date Left Care", "Care End Date", "End Date of Care"),),
    Field("reason_ceased", "Reason Ceased to be Looked After", "code",
          ("Reason Ceased", "Reason Episode Ceased", "Reason Ceased Care", "Reason for Ceasing Care")),
    Field("placement_start_date", "Start Date of Most Recent Placement", "date", ("Placement Start Date",)),
    Field("placement_type", "Placement Type", "code", ("Placement", "Placement Type Code", "Current Placement Type",
                                                       "Placement Code")),
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
