"""Header normalisation, header-row detection and list identification."""

from __future__ import annotations

from csc_demand.io.headers import FUZZY_MIN_CHARS, _canonical, find_header, normalise_header, sheet_hint
from csc_demand.tables import CP_PLANS, LISTS, LOOKED_AFTER, REFERRALS


def test_normalise_header():
    assert normalise_header("  Child’s  Legal Status ") == "child s legal status"
    assert normalise_header("Referral NFA?") == "referral nfa"
    assert normalise_header("UASC (Y/N)") == "uasc"
    assert normalise_header("Child's Legal Status") == normalise_header("CHILD’S LEGAL   STATUS")


def test_header_in_row_one_two_or_lower():
    for title_rows in (0, 1, 5):
        rows = [["List 3: Referral"]] * title_rows + [REFERRALS.headers, [1, "b) Female"]]
        m = find_header(rows, "whatever")
        assert m is not None and m.spec is REFERRALS and m.header_row == title_rows


def test_every_official_list_identified_by_headers_whatever_the_sheet_name():
    for spec in LISTS:
        m = find_header([["Title"], spec.headers], "Sheet1")
        assert m is not None and m.spec.number == spec.number, spec.number
        assert len(m.columns) == len(spec.fields)


def test_aliases_typos_and_case():
    headers = ["CHILD ID", "Sex", "Referal Date", "source of referral", "NFA"]  # "Referal": a typo
    m = find_header([headers], None)
    assert m is not None and m.spec is REFERRALS
    keys = {m.spec.fields[pos].key for pos in m.columns.values()}
    assert keys == {"child_id", "gender", "referral_date", "source", "nfa"}


def test_distinctive_columns_beat_sheet_name():
    # a sheet called "Referrals" that actually holds List 7 is read as List 7
    m = find_header([CP_PLANS.headers], "Referrals")
    assert m.spec is CP_PLANS


def test_sheet_name_breaks_ties_only():
    assert sheet_hint("L7 - CP") == 7 and sheet_hint("List_8") == 8 and sheet_hint("Children in Care") == 8
    assert sheet_hint("Referrals") == 3 and sheet_hint("Guidance") is None


def test_guidance_sheet_has_no_header():
    rows = [["Guidance"], ["Date of referral: the date the referral was received."], ["Child Unique ID: ..."]]
    assert find_header(rows, "Guidance") is None


def test_unmatched_and_duplicate_columns_reported():
    headers = LOOKED_AFTER.headers[:10] + ["Locality", "Date Started to be Looked After"]
    m = find_header([headers], None)
    assert m.spec is LOOKED_AFTER
    assert [m.headers[j] for j in m.unmatched] == ["Locality"]
    assert len(m.duplicates) == 1


def test_numbered_headers_and_format_hints():
    assert normalise_header("6. Date of referral") == "date of referral"
    assert normalise_header("Date of Birth (DD/MM/YYYY)") == "date of birth"
    assert normalise_header("Referral NFA (Yes/No)") == "referral nfa"
    headers = ["1. Child Unique ID", "2) Date Entered Care (dd/mm/yy)", "3. Current Legal Status", "Date Left Care"]
    m = find_header([headers], "Sheet1")
    assert m.spec is LOOKED_AFTER
    assert {m.spec.fields[p].key for p in m.columns.values()} == {"child_id", "start_date", "legal_status",
                                                                  "end_date"}


def test_lac_and_cla_abbreviations_read_as_looked_after():
    # "Date Started to be LAC" / "Date Ceased to be LAC" are common in LA exports; without them List 8 is lost
    assert normalise_header("Date Started to be LAC") == normalise_header("Date Started to be Looked After")
    headers = ["Child ID", "Date Started to be LAC", "Legal Status", "Date Ceased to be LAC", "Reason Ceased"]
    m = find_header([["List 8: Children Looked After"], headers], "Children in Care")
    assert m is not None and m.spec is LOOKED_AFTER and m.header_row == 1
    assert {m.spec.fields[p].key for p in m.columns.values()} == {"child_id", "start_date", "legal_status",
                                                                  "end_date", "reason_ceased"}
    assert sheet_hint("CLA") == 8 and sheet_hint("LAC list") == 8


def test_headers_without_spaces_from_database_exports():
    assert normalise_header("ChildID") == normalise_header("Child ID")
    assert normalise_header("CPPlanStartDate") == normalise_header("CP Plan Start Date")
    assert normalise_header("DOB") == "dob" and normalise_header("UASC (Y/N)") == "uasc"
    m = find_header([["ChildID", "ReferralDate", "ReferralSource", "ReferralNFA"]], "Sheet1")
    assert m is not None and m.spec is REFERRALS
    assert {m.spec.fields[p].key for p in m.columns.values()} == {"child_id", "referral_date", "source", "nfa"}
    assert normalise_header("CiN Start Date") == normalise_header("CIN Start Date")  # spaced headers untouched


def test_short_cp_headers_and_case_system_ids():
    headers = ["Mosaic ID", "Gender", "CP Start", "Latest Category", "CP End", "Number of Previous CP Plans"]
    m = find_header([headers], None)
    assert m is not None and m.spec is CP_PLANS
    assert {m.spec.fields[p].key for p in m.columns.values()} == {"child_id", "gender", "start_date",
                                                                  "latest_category", "end_date", "previous_plans"}
    m = find_header([["LCS ID", "Date Child Protection Plan Started", "Date Child Protection Plan Ended"]], None)
    assert m is not None and m.spec is CP_PLANS and len(m.columns) == 3


def test_ssda903_short_headers_are_never_list_8():
    # a 903 episodes table (even with header columns beside it) is set aside for the 903 reader, never List 8
    headers = ["CHILD", "SEX", "DOB", "DECOM", "LS", "PLACE", "DEC", "REC", "UASC"]
    assert find_header([headers], "Sheet1") is None
    assert find_header([["Title"], headers], "Children in Care") is None
    names = {normalise_header(n) for f in LOOKED_AFTER.fields for n in (f.header, *f.aliases)}
    assert not names & {"child", "decom", "dec", "ls", "rec", "place"}


def test_short_headers_match_only_exactly():
    short = sorted({n for spec in LISTS for f in spec.fields for n in map(normalise_header, (f.header, *f.aliases))
                    if len(n) < FUZZY_MIN_CHARS})
    assert {"dob", "sex", "urn", "uasc"} <= set(short)
    for name in short:
        for typo in (name + "x", name[:-1], "x" + name, name + "s", name.upper() + "  extra"):
            assert _canonical(typo, True) in (None, normalise_header(typo)), (name, typo)
    # nor does a longer header drift onto a short one
    assert find_header([["CHILD", "DECOMMISSIONED", "DECEASED", "LSOA", "RECORD", "PLACEHOLDER"]], None) is None


def test_no_header_names_two_columns_of_the_same_list():
    for spec in LISTS:
        seen: dict[str, int] = {}
        for i, f in enumerate(spec.fields):
            for n in {normalise_header(h) for h in (f.header, *f.aliases)}:
                assert seen.setdefault(n, i) == i, (spec.number, n)
