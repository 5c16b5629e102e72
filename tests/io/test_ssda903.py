"""SSDA903 returns → periods of care: a tiny hand-written pair of returns whose periods are worked out by hand
(placement moves, RNE "S", the same episode in two returns, overlaps, duplicates, short breaks, an open episode
missing from the later return), date formats, header spellings, XML, the extract date, and detection (an
episodes file is never List 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from csc_demand.cli import main
from csc_demand.errors import CscDemandError
from csc_demand.io import read_annex_a, validation_summary
from csc_demand.io.formats import identify
from csc_demand.io.parse import normalise_ids
from csc_demand.io.pseudonymise import pseudonymise
from csc_demand.io.ssda903 import read_ssda903
from csc_demand.schema import LOOKED_AFTER

KEY = b"k" * 32
T = pd.Timestamp
SAMPLE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "ssda903-sample"

EPISODE_COLUMNS = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                   "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]
HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
#: Child IDs, postcodes and UPNs that must never appear in any output.
SECRETS = ["70001", "70002", "70003", "70004", "70005", "70006", "70007", "70008", "ZZ9 9ZQ", "A123456789012"]


def ep(child, decom, rne, ls, place, dec="", rec="", cin="N1"):
    """One episode row (dates ISO here; written as the test asks)."""
    return [child, decom, rne, ls, cin, place, "PR1", dec, rec, "", "ZZ9 9ZQ", "ZZ9 9ZQ", "1234567"]


#: The year to 31 March 2020. A: a placement move (one period, open). B: RNE "S" the day the first period
#: ended (two periods). C: open at the year end (closed in 2021). D: its first episode overlaps the second.
#: E: a short break (not used). F: the same episode twice (one duplicate). G: open at the year end but
#: missing from the 2021 return.
RETURN_2020 = [
    ep("70001", "2019-04-10", "S", "C2", "U4", "2019-06-01", "X1"),
    ep("70001", "2019-06-01", "P", "E1", "K2"),
    ep("70002", "2019-05-01", "S", "C2", "U1", "2019-07-01", "E4A"),
    ep("70002", "2019-07-01", "S", "E1", "U4", "2019-09-30", "E11"),
    ep("70003", "2020-02-01", "S", "C1", "U1"),
    ep("70004", "2019-10-01", "S", "C2", "U4", "2020-01-15", "X1"),
    ep("70004", "2019-12-01", "P", "C2", "U5"),
    ep("70005", "2019-11-01", "S", "V3", "U4", "2019-11-03", "E17"),
    ep("70006", "2019-08-01", "S", "C2", "U4", "2019-09-01", "E13"),
    ep("70006", "2019-08-01", "S", "C2", "U4", "2019-09-01", "E13"),
    ep("70007", "2019-09-01", "S", "C2", "U4"),
]
#: The year to 31 March 2021: A, C and D repeated (C and D now closed); H new, open (and UASC).
RETURN_2021 = [
    ep("70001", "2019-06-01", "P", "E1", "K2"),
    ep("70003", "2020-02-01", "S", "C1", "U1", "2020-09-15", "E11"),
    ep("70004", "2019-12-01", "P", "C2", "U5", "2020-06-30", "E4B"),
    ep("70008", "2020-11-01", "S", "C2", "U4"),
]
DOB = {"70001": "2012-03-15", "70002": "2008-07-02", "70003": "2015-01-20", "70004": "2010-10-10",
       "70005": "2011-05-05", "70006": "2009-09-09", "70007": "2006-06-06", "70008": "2004-12-01"}


def header_rows(children):
    return [[c, "1" if int(c) % 2 else "2", DOB[c], "WBRI", "A123456789012", "", ""] for c in children]


def dmy(iso: str) -> str:
    return pd.Timestamp(iso).strftime("%d/%m/%Y") if iso else ""


def write_csv(path: Path, columns, rows, dates=(), style="dmy") -> None:
    frame = pd.DataFrame(rows, columns=columns)
    if style == "dmy":
        for c in dates:
            frame[c] = frame[c].map(dmy)
    frame.to_csv(path, index=False)


def write_returns(folder: Path, style: str = "dmy") -> Path:
    """The two returns as the DfE's CSV tables (header, episodes, uasc) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for year, rows in (("2020", RETURN_2020), ("2021", RETURN_2021)):
        write_csv(folder / f"{year}-episodes.csv", EPISODE_COLUMNS, rows, ("DECOM", "DEC"), style)
        children = sorted({r[0] for r in rows})
        write_csv(folder / f"{year}-header.csv", HEADER_COLUMNS, header_rows(children), ("DOB",), style)
    write_csv(folder / "2021-uasc.csv", ["CHILD", "SEX", "DOB", "DUC"], [["70008", "1", DOB["70008"], "2022-12-01"]],
              ("DOB", "DUC"), style)
    return folder


def pid(raw: str) -> str:
    return pseudonymise(normalise_ids(pd.Series([raw], dtype=object)).astype("string"), KEY).iloc[0]


def by_child(periods: pd.DataFrame) -> dict[str, list[dict]]:
    ids = {pid(c): c for c in DOB}
    out: dict[str, list[dict]] = {}
    for row in periods.sort_values("start_date").to_dict("records"):
        out.setdefault(ids[row["child_id"]], []).append(row)
    return out


def test_hand_worked_periods_of_care(tmp_path):
    s = read_ssda903(write_returns(tmp_path / "returns"), key=KEY)
    assert s.extract_date == T("2021-03-31") and [r.end for r in s.returns] == [T("2020-03-31"), T("2021-03-31")]
    p = by_child(s.periods)
    # A: a placement move (and a new legal status) is one period; the legal status and placement are the latest
    # episode's, as List 8 gives the current ones
    (a,) = p["70001"]
    assert (a["start_date"], a["legal_status"], a["placement_type"], a["placement_group"]) == (
        T("2019-04-10"), "E1", "K2", "Residential")
    assert pd.isna(a["end_date"]) and pd.isna(a["reason_ceased"]) and a["placement_start_date"] == T("2019-06-01")
    # B: RNE "S" starts a new period even on the day the first one ended
    assert [(x["start_date"], x["end_date"], x["reason_ceased"], x["legal_status"]) for x in p["70002"]] == [
        (T("2019-05-01"), T("2019-07-01"), "E4A", "C2"), (T("2019-07-01"), T("2019-09-30"), "E11", "E1")]
    # C: open in the 2020 return, closed in the 2021 one: counted once, the later return winning
    (c,) = p["70003"]
    assert (c["start_date"], c["end_date"], c["reason_ceased"]) == (T("2020-02-01"), T("2020-09-15"), "E11")
    # D: the overlapping first episode ends when the second starts, so the two are one period
    (d,) = p["70004"]
    assert (d["start_date"], d["end_date"], d["reason_ceased"], d["placement_type"]) == (
        T("2019-10-01"), T("2020-06-30"), "E4B", "U5")
    assert "70005" not in p  # short break
    (f,) = p["70006"]  # the duplicate is one episode
    assert (f["start_date"], f["end_date"]) == (T("2019-08-01"), T("2019-09-01"))
    (g,) = p["70007"]  # open at the end of 2019-20 and absent from 2020-21: ended with its return
    assert (g["end_date"], pd.isna(g["reason_ceased"])) == (T("2020-03-31"), True)
    (h,) = p["70008"]
    assert h["uasc"] is True and pd.isna(h["end_date"])
    assert [x["uasc"] for k, v in p.items() if k != "70008" for x in v] == [False] * 7
    # header: gender and birth month; age at the row's extract date (A's last episode is in the 2021 return)
    assert (a["gender"], a["birth_month"], a["age_years"], a["extract_date"]) == (
        "male", T("2012-03-01"), 9, T("2021-03-31"))
    assert (b := p["70002"][0])["gender"] == "female" and b["extract_date"] == T("2020-03-31") and b["age_years"] == 11
    assert (len(s.periods), s.children, s.open_at_extract) == (8, 7, 2)
    assert s.counts["episodes_read"] == 15 and s.counts["episodes"] == 10
    assert (s.counts["replaced_by_later_return"], s.counts["duplicates"], s.counts["overlaps"],
            s.counts["ended_with_return"]) == (3, 1, 1, 1)


def test_problems_are_located_and_hold_no_child_level_value(tmp_path):
    s = read_ssda903(write_returns(tmp_path / "r"), key=KEY)
    located = {p.kind: (p.file, p.row, p.column) for p in s.problems if p.row is not None}
    assert located["duplicate_episode"] == ("2020-episodes.csv", 11, "DECOM")  # the second copy, CSV line 11
    assert located["overlapping_episodes"] == ("2020-episodes.csv", 7, "DEC")
    assert located["open_episode_not_in_later_return"] == ("2020-episodes.csv", 12, "DEC")
    assert located["short_break"] == ("2020-episodes.csv", 9, "LS")
    not_used = sorted((p.kind, p.row) for p in s.problems if p.row_not_used)
    assert not_used == [("duplicate_episode", 11), ("short_break", 9)] and s.counts["rows_not_used"] == 2
    text = " ".join(p.message for p in s.problems) + repr(s.periods.to_dict()) + repr(s.episodes.to_dict())
    for secret in SECRETS + [dmy(d) for d in DOB.values()]:
        assert secret not in text
    assert not {"HOME_POST", "PL_POST", "URN", "UPN"} & (set(s.periods.columns) | set(s.episodes.columns))


def test_periods_have_the_looked_after_columns():
    cols = list(LOOKED_AFTER.clean_columns) + ["placement_group"]
    s = read_ssda903([("2020-episodes.csv", b"CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n1,01/04/2019,S,C2,U4,,\n")], key=KEY)
    assert list(s.periods.columns) == cols
    assert str(s.periods["start_date"].dtype) == "datetime64[ns]" and str(s.periods["uasc"].dtype) == "boolean"
    assert s.periods["child_id"].iloc[0] == pid("0001")  # the Annex A reader's keyed pseudonym


def test_iso_dates_header_spellings_and_extra_columns_read_the_same(tmp_path):
    base = read_ssda903(write_returns(tmp_path / "dmy"), key=KEY)
    iso = write_returns(tmp_path / "iso", style="iso")
    for f in iso.glob("*-episodes.csv"):  # an LA export: other case and spacing, extra columns
        frame = pd.read_csv(f, dtype=str, keep_default_na=False)
        frame.columns = [" child", "Decom", "rne ", "ls", "Cin", "Place", "place provider", "DEC", "rec",
                         "Reason place change", "home_post", "PL POST", "urn"]
        frame["LA"] = "Somewhere"
        frame.to_csv(f, index=False)
    other = read_ssda903(iso, key=KEY)
    pd.testing.assert_frame_equal(base.periods, other.periods)
    extra = [p for p in other.problems if p.kind == "extra_column"]
    assert [p.column for p in extra] == ["LA", "LA"] and all(p.severity == "info" for p in extra)


def xml_return(rows, with_uasc=(), style="EXPSSDA903") -> bytes:
    """The episodes as 903 XML: ``EXPSSDA903/CHILD/HEADER`` + ``EPISODE`` (as LAs submit it), or the
    ``Message/Children/Child`` shape with ``Header`` and ``Episodes/Episode``."""
    children: dict[str, list] = {}
    for r in rows:
        children.setdefault(r[0], []).append(r)
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    message = style == "Message"
    out.append("<Message><Header><CollectionDetails><Collection>SSDA903</Collection></CollectionDetails></Header>"
               "<Children>" if message else "<EXPSSDA903>")
    for child, eps in children.items():
        uasc = "<UASC>1</UASC><DUC>01/12/2022</DUC>" if child in with_uasc else "<UASC />"
        head = (f"<CHILDID>{child}</CHILDID><UPN>A123456789012</UPN><SEX>{'1' if int(child) % 2 else '2'}</SEX>"
                f"<DOB>{dmy(DOB[child])}</DOB><ETHNIC>WBRI</ETHNIC>{uasc}"
                "<AREVIEW><REVIEW>01/01/2020</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>")
        episodes = "".join(
            f"<EPISODE><DECOM>{dmy(e[1])}</DECOM><RNE>{e[2]}</RNE><LS>{e[3]}</LS><CIN>{e[4]}</CIN><PL>{e[5]}</PL>"
            f"<PL_POST>ZZ9 9ZQ</PL_POST><URN>1234567</URN><PLACE_PROVIDER>PR1</PLACE_PROVIDER>"
            + (f"<DEC>{dmy(e[7])}</DEC>" if e[7] else "<DEC />") + f"<REC>{e[8]}</REC></EPISODE>\n" for e in eps)
        if message:
            out.append(f"<Child><Header>{head}</Header><Episodes>\n{episodes}</Episodes></Child>")
        else:
            out.append(f"<CHILD><HEADER>{head}</HEADER>\n{episodes}</CHILD>")
    out.append("</Children></Message>" if message else "</EXPSSDA903>")
    return "\n".join(out).encode()


@pytest.mark.parametrize("style", ["EXPSSDA903", "Message"])
def test_xml_round_trip_gives_the_same_periods(tmp_path, style):
    csv = read_ssda903(write_returns(tmp_path / "csv"), key=KEY)
    for year, rows, uasc in (("2020", RETURN_2020, ()), ("2021", RETURN_2021, ("70008",))):
        (tmp_path / f"ssda903_{year}.xml").write_bytes(xml_return(rows, uasc, style))
    xml = read_ssda903([tmp_path / "ssda903_2020.xml", tmp_path / "ssda903_2021.xml"], key=KEY)
    pd.testing.assert_frame_equal(csv.periods, xml.periods)
    assert xml.counts == csv.counts
    dup = next(p for p in xml.problems if p.kind == "duplicate_episode")
    assert dup.file == "ssda903_2020.xml" and dup.row > 1  # the line of the second copy's <EPISODE>
    assert any(p.kind == "table_not_needed" and "AREVIEW" in p.message for p in xml.problems)


def test_a_folder_is_searched_recursively_for_returns_xml_included(tmp_path):
    """The two returns as XML, each in a folder of its own inside the folder given, and a hidden folder's
    broken copy (skipped): the same periods as the CSV returns."""
    csv = read_ssda903(write_returns(tmp_path / "csv"), key=KEY)
    top = tmp_path / "returns"
    for year, rows, uasc in (("2020", RETURN_2020, ()), ("2021", RETURN_2021, ("70008",))):
        (top / year).mkdir(parents=True)
        (top / year / f"ssda903_{year}.xml").write_bytes(xml_return(rows, uasc))
    (top / ".old").mkdir()
    (top / ".old" / "2021-episodes.csv").write_text("not a return\n")
    xml = read_ssda903(top, key=KEY)
    pd.testing.assert_frame_equal(csv.periods, xml.periods)
    assert [r.end for r in xml.returns] == [T("2020-03-31"), T("2021-03-31")]


def test_an_empty_uasc_table_says_no_child_is_uasc(tmp_path):
    folder = write_returns(tmp_path / "r")
    (folder / "2021-uasc.csv").write_text("CHILD,SEX,DOB,DUC\n")
    s = read_ssda903(folder, key=KEY)
    assert s.periods["uasc"].tolist() == [False] * len(s.periods)
    (folder / "2021-uasc.csv").unlink()
    assert s.periods["uasc"].notna().all() and read_ssda903(folder, key=KEY).periods["uasc"].isna().all()


def test_xml_with_a_document_type_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><EXPSSDA903></EXPSSDA903>'
    with pytest.raises(CscDemandError, match="document type"):
        read_ssda903([("2021.xml", bomb)], key=KEY)


def test_extract_date_cuts_a_partial_return(tmp_path):
    s = read_ssda903(write_returns(tmp_path / "r"), key=KEY, extract_date="2020-08-31")
    p = by_child(s.periods)
    assert "70008" not in p and s.counts["after_extract_date"] == 1  # H starts after the cut
    assert pd.isna(p["70003"][0]["end_date"]) and pd.isna(p["70003"][0]["reason_ceased"])  # C ends after it
    assert p["70004"][0]["end_date"] == T("2020-06-30") and s.counts["made_open"] == 1
    assert s.open_at_extract == 2 and s.periods["extract_date"].max() == T("2020-08-31")
    assert any(p.kind == "partial_return" for p in s.problems)


def test_return_year_from_names_or_dates():
    row = b"CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n1,01/05/2017,S,C2,U4,01/03/2018,E11\n"
    end = read_ssda903([("903 episodes 2017-18.csv", row)], key=KEY).returns[0]
    assert (end.end, end.how) == (T("2018-03-31"), "file name")
    end = read_ssda903([("episodes.csv", row)], key=KEY).returns[0]
    assert (end.end, end.how) == (T("2018-03-31"), "latest dates")
    s = read_ssda903([("2017-episodes.csv", row)], key=KEY)  # dates run to March 2018: the year starting 2017
    assert s.returns[0].end == T("2018-03-31") and any(p.kind == "return_year" for p in s.problems)
    s = read_ssda903([("episodes 2017-12-31.csv", row.replace(b"01/03/2018", b""))], key=KEY)  # in-year extract
    assert s.returns[0].end == T("2017-12-31") and s.open_at_extract == 1


def test_an_episodes_file_alone_is_903_never_list_8(tmp_path):
    path = write_returns(tmp_path / "r") / "2021-episodes.csv"
    rows = [line.split(",") for line in path.read_text().splitlines()]
    assert identify(rows).format.name == "ssda903_episodes"
    a = read_annex_a(path, key=KEY)
    assert a.tables == {} and a.ssda903 is not None and len(a.ssda903.periods) == 4
    assert any(p.kind == "ssda903_only" and "Annex A lists" in p.message for p in a.quality.problems)


def test_annex_a_and_a_903_folder_together(tmp_path):
    from io_fixtures import make_lists, messy_workbook

    book = tmp_path / "annex_a_2020-12-31.xlsx"
    messy_workbook(book, make_lists(seed=5))
    a = read_annex_a([book, write_returns(tmp_path / "903")], key=KEY)
    assert {"referrals", "cp_plans", "looked_after"} <= set(a.tables) and a.extract_date == T("2020-12-31")
    assert a.ssda903 is not None and len(a.ssda903.periods) == 8
    assert list(a.ssda903.periods.columns) == list(a.looked_after.columns)
    summary = validation_summary(a)
    assert summary["ok"] and summary["ssda903"]["periods"] == 8 and summary["ssda903"]["children"] == 7
    assert summary["ssda903"]["years"] == ["2019-20", "2020-21"] and summary["ssda903"]["open_at_extract"] == 2
    # the 2020-21 return runs past the lists' extract date: it is read up to it, and the rule for periods in
    # both (List 8 wins; the returns add the rest) is stated in the quality report
    assert a.ssda903.extract_date == T("2020-12-31")
    note = next(p for p in a.quality.problems if p.kind == "ssda903_with_list8")
    assert "List 8 (the newer extract) is used" in note.message and "8 periods of care from 01/04/2019" in note.message


def test_other_903_tables_are_skipped_with_a_note(tmp_path):
    folder = write_returns(tmp_path / "r")
    (folder / "2021-reviews.csv").write_text("CHILD,DOB,REVIEW,REVIEW_CODE\n70001,15/03/2012,01/01/2021,PN1\n")
    s = read_ssda903(folder, key=KEY)
    assert len(s.periods) == 8 and any("reviews" in x for x in s.ignored)
    note = next(p for p in s.problems if p.kind == "table_not_needed")
    assert note.file == "2021-reviews.csv" and note.severity == "info"


def test_validate_summarises_903_returns(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CSC_DEMAND_HOME", str(tmp_path / "home"))
    folder = write_returns(tmp_path / "r")
    assert main(["validate", str(folder), "--key-file", str(tmp_path / "k.key")]) == 1  # no Annex A lists
    out, _ = capsys.readouterr()
    assert "SSDA903 returns: 2 returns (2019-20, 2020-21)" in out
    assert "8 periods of care, 7 children" in out and "2 open at 2021-03-31" in out
    assert "3 episodes also in a later return" in out and "a forecast also needs the Annex A lists" in out
    assert main(["validate", str(folder), "--json", "--key-file", str(tmp_path / "k.key")]) == 1
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert summary["ssda903"]["episodes_read"] == 15 and summary["ssda903"]["not_used"] == {
        "duplicate_episode": 1, "short_break": 1}
    for secret in SECRETS:
        assert secret not in out + err


@pytest.mark.skipif(not SAMPLE.is_dir(), reason="the shared SSDA903 sample is not here")
def test_the_sample_returns_read():
    s = read_ssda903(SAMPLE, key=KEY)
    assert [r.end.year for r in s.returns] == [2018, 2019, 2020, 2021, 2022]  # '2017' holds 2017-18, and so on
    assert s.counts["episodes_read"] == 3737
    assert (len(s.periods), s.children, s.open_at_extract) == (808, 743, 55)
    assert s.periods["start_date"].notna().all() and (s.periods["end_date"].dropna() >= s.periods.loc[
        s.periods["end_date"].notna(), "start_date"]).all()
