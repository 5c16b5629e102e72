"""Seeded synthetic Annex A lists and writers that lay them out the messy ways real LA files do.

``make_lists(seed)`` returns the true records (one DataFrame per list, raw LA IDs and full dates);
``messy_workbook`` writes them with title rows, renamed sheets and headers, mixed date formats, missing
markers, duplicates, filter and notes rows, and returns the counts the reader must report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from csc_demand.tables import CARE_LEAVERS, CP_PLANS, LISTS, LOOKED_AFTER, REFERRALS

EXTRACT = pd.Timestamp("2020-12-31")
WINDOW_START = EXTRACT - pd.DateOffset(months=6)
#: Values that must never appear in any output.
SECRET_NAME = "Zebedee Quuxworth"
SECRET_POSTCODE = "ZZ9 9ZQ"


def make_lists(seed: int = 1, n_children: int = 30) -> dict[str, pd.DataFrame]:
    """True child-level records: referrals (several per child), one CP plan or period of care per child."""
    rng = np.random.default_rng(seed)
    ids = rng.choice(np.arange(10_000_000, 99_999_999), n_children, replace=False)
    dob = pd.to_datetime("2004-01-01") + pd.to_timedelta(rng.integers(0, 16 * 365, n_children), unit="D")
    gender = rng.choice(["a) Male", "b) Female"], n_children)
    n_ref = rng.integers(1, 3, n_children)
    child = np.repeat(np.arange(n_children), n_ref)
    days = rng.integers(0, 183, len(child))
    ref = pd.DataFrame({
        "id": ids[child], "dob": dob[child], "gender": gender[child],
        "date": WINDOW_START + pd.to_timedelta(days, unit="D"),
        "source": rng.choice(["e) 2A: Schools", "q) 6: Police", "g) 3A: Health services", "m) 4: Housing"],
                             len(child)),
        "nfa": rng.choice(["a) Yes", "b) No"], len(child)),
    }).drop_duplicates(["id", "date", "source"]).reset_index(drop=True)
    cp_children = rng.choice(n_children, n_children // 2, replace=False)
    start = EXTRACT - pd.to_timedelta(rng.integers(10, 700, len(cp_children)), unit="D")
    length = rng.integers(30, 500, len(cp_children))
    end = start + pd.to_timedelta(length, unit="D")
    end = pd.Series(end).where(end <= EXTRACT)
    cp = pd.DataFrame({"id": ids[cp_children], "dob": dob[cp_children], "gender": gender[cp_children],
                       "start": start, "end": end.to_numpy(),
                       "category": rng.choice(["a) Neglect", "d) Emotional abuse", "e) Multiple"], len(cp_children))})
    la_children = rng.choice(n_children, n_children // 2, replace=False)
    start = EXTRACT - pd.to_timedelta(rng.integers(10, 2000, len(la_children)), unit="D")
    end = start + pd.to_timedelta(rng.integers(30, 2000, len(la_children)), unit="D")
    end = pd.Series(end).where(end <= EXTRACT)
    la = pd.DataFrame({"id": ids[la_children], "dob": dob[la_children], "gender": gender[la_children],
                       "start": start, "end": end.to_numpy(),
                       "legal": rng.choice(["C2", "C1", "V2", "E1"], len(la_children)),
                       "placement": rng.choice(["U4", "U1", "K2", "P1", "H5"], len(la_children))})
    return {"referrals": ref, "cp_plans": cp, "looked_after": la}


def age_on(dob: pd.Timestamp, on: pd.Timestamp) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def open_at(start: pd.Series, end: pd.Series, date: pd.Timestamp) -> int:
    return int(((start <= date) & (end.isna() | (end > date))).sum())


def date_variants(d: pd.Timestamp, i: int) -> object:
    """The same date written five ways, chosen by ``i``: date cell, serial number, dd/mm/yyyy, ISO, d/m/yy."""
    if pd.isna(d):
        return ["", "NULL", "#N/A", "-", None][i % 5]
    k = i % 5
    if k == 0:
        return d.to_pydatetime()
    if k == 1:
        return float((d - pd.Timestamp("1899-12-30")).days)
    if k == 2:
        return d.strftime("%d/%m/%Y")
    if k == 3:
        return d.strftime("%Y-%m-%d")
    return f"{d.day}/{d.month}/{d.strftime('%y')}"


class SheetWriter:
    """Writes Python values into an XlsxWriter worksheet (dates as real date cells)."""

    def __init__(self, workbook: xlsxwriter.Workbook, name: str) -> None:
        self.ws = workbook.add_worksheet(name)
        self.date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
        self.row = 0

    def write(self, values: list[object]) -> int:
        """Write one row; returns its Excel row number (1-based)."""
        for j, v in enumerate(values):
            if v is None or v == "":
                continue
            if isinstance(v, (dt.datetime, dt.date)):
                self.ws.write_datetime(self.row, j, v, self.date_format)
            elif isinstance(v, str):
                self.ws.write_string(self.row, j, v)
            else:
                self.ws.write_number(self.row, j, float(v))
        self.row += 1
        return self.row

    def skip(self, n: int = 1) -> None:
        self.row += n


def id_variants(raw_id: int, i: int) -> object:
    """The same ID as a number, a float with .0, text with leading zeros, or text."""
    return [raw_id, float(raw_id), f"000{raw_id}", str(raw_id), f" {raw_id} "][i % 5]


def messy_rows(lists: dict[str, pd.DataFrame]) -> dict[str, tuple[list[str], list[list[object]], dict]]:
    """The three required lists as (headers, rows, expected) with messy headers and cells.

    ``expected`` holds what the reader must report: rows used, rows not used, children, open at extract.
    Rows include duplicates, a filter row, rows without an ID, an unreadable main date and a notes row.
    """
    out = {}
    ref = lists["referrals"]
    headers = ["Child ID", "gender ", "Ethnicity", "DOB", "Age", "Referral Date", "Source of referral",
               "Referral NFA", "Locality", "Allocated Worker"]
    rows = []
    for i, r in enumerate(ref.itertuples()):
        src = r.source if i % 7 else "#N/A"
        rows.append([id_variants(r.id, i), r.gender if i % 4 else r.gender[3:], "a) WBRI",
                     date_variants(r.dob, i + 1), age_on(r.dob, r.date), date_variants(r.date, i), src,
                     r.nfa, "North", SECRET_NAME])
    rows.insert(5, list(headers))                                     # filter row
    rows.insert(9, list(rows[3]))                                     # exact duplicate
    rows.insert(12, list(rows[7]))                                    # exact duplicate
    rows.insert(14, ["n/a", "b) Female", "", "", 3, "01/10/2020", "q) 6: Police", "b) No", "", ""])  # no ID
    rows.insert(15, ["", "b) Female", "", "", 3, "02/10/2020", "q) 6: Police", "b) No", "", ""])     # no ID
    rows.insert(16, ["777", "a) Male", "", "", 3, "31/13/2020", "q) 6: Police", "b) No", "", ""])    # bad date
    rows.insert(17, [""] * len(headers))                              # blank row: skipped silently
    rows.append(["Data extracted on 31/12/2020 from the case system"])  # notes row
    not_used = 7
    out["referrals"] = (headers, rows, {"rows": len(ref), "not_used": not_used,
                                        "children": ref["id"].nunique(),
                                        "first": ref["date"].min(), "last": ref["date"].max()})

    cp = lists["cp_plans"]
    headers = list(CP_PLANS.headers)
    headers[0] = "child unique  id"
    headers[6] = "CP  Plan Start Date"
    headers[12] = "Child Protection Plan End Date "
    headers[10] = "Was the Child Seen Alone ?"
    del headers[14]  # no "Number of Previous Child Protection Plans": a warning, not a rejection
    rows = []
    for i, r in enumerate(cp.itertuples()):
        row = [id_variants(r.id, i + 2), r.gender, "a) WBRI", date_variants(r.dob, i), age_on(r.dob, EXTRACT),
               "b) No", date_variants(r.start, i + 3), r.category, r.category, "", "a) Yes", "",
               date_variants(r.end, i), "N", "Team", SECRET_NAME]
        rows.append(row)
    rows.append(list(rows[0]))  # exact duplicate
    not_used = 1
    out["cp_plans"] = (headers, rows, {"rows": len(cp), "not_used": not_used, "children": cp["id"].nunique(),
                                       "open": open_at(cp["start"], cp["end"], EXTRACT)})

    la = lists["looked_after"]
    headers = list(LOOKED_AFTER.headers)
    headers[7] = "Date Started to be Looked After"
    headers[4] = "Age of child (years)"
    headers[2] = "Ethnicity"
    headers[8] = "Child’s Category of Need"  # curly apostrophe
    rows = []
    for i, r in enumerate(la.itertuples()):
        row = [""] * len(headers)
        row[0] = id_variants(r.id, i + 4)
        row[1] = r.gender
        row[3] = date_variants(r.dob, i + 2)
        row[4] = age_on(r.dob, EXTRACT)
        row[5] = "b) No"
        row[7] = date_variants(r.start, i)
        row[8] = "N1"
        row[11] = r.legal
        row[19] = date_variants(r.end, i + 1)
        row[22] = r.placement
        row[24] = SECRET_POSTCODE
        row[32] = "Team"
        row[33] = SECRET_NAME
        rows.append(row)
    short = [""] * len(headers)
    short[0], short[7], short[11], short[22] = 55555, "01/11/2020", "V3", "U1"
    rows.append(short)
    not_used = 1
    out["looked_after"] = (headers, rows, {"rows": len(la), "not_used": not_used, "children": la["id"].nunique(),
                                           "open": open_at(la["start"], la["end"], EXTRACT)})
    return out


def messy_workbook(path: Path, lists: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """Write the messy workbook; returns the expected counts per table."""
    parts = messy_rows(lists)
    wb = xlsxwriter.Workbook(str(path))
    notes = SheetWriter(wb, "Read me")
    notes.write(["This workbook holds the Annex A lists for the inspection."])
    notes.write(["Do not share outside the team."])
    headers, rows, _ = parts["referrals"]
    s = SheetWriter(wb, "Referrals")
    s.write(["List 3: Referrals"])
    s.skip()
    s.write(headers)
    for r in rows:
        s.write(r)
    headers, rows, _ = parts["cp_plans"]
    s = SheetWriter(wb, "L7 - CP")
    s.write(headers)
    for r in rows:
        s.write(r)
    headers, rows, _ = parts["looked_after"]
    s = SheetWriter(wb, "Children in Care")
    s.write(["List 8: Children in Care"])
    s.write(headers)
    for r in rows:
        s.write(r)
    s = SheetWriter(wb, "List_9")
    s.write(["List 9: Care Leavers"])
    s.write(CARE_LEAVERS.headers)
    s.write([123, "a) Male"])
    wb.close()
    return {t: p[2] for t, p in parts.items()}


def blank_template(path: Path) -> None:
    """The blank Ofsted 2019 template layout: List_1 … List_11, title row, headers in row 2, guidance."""
    wb = xlsxwriter.Workbook(str(path))
    g = SheetWriter(wb, "Guidance")
    g.write(["Annex A – Child level data, Lists 1–11 (update August 2019)"])
    g.skip()
    g.write(["Please complete each list. Dates should be DD/MM/YYYY."])
    for spec in LISTS:
        s = SheetWriter(wb, f"List_{spec.number}")
        s.write([f"List {spec.number}: {spec.title}"])
        s.write(spec.headers)
    wb.close()


def write_csv_folder(folder: Path, lists: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """The same messy lists as one CSV file per list (all cells as text, dates dd/mm/yyyy or ISO)."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = messy_rows(lists)
    for table, (headers, rows, _) in parts.items():
        frame = pd.DataFrame([[_as_text(v) for v in r] + [""] * (len(headers) - len(r)) for r in rows],
                             columns=headers)
        frame.to_csv(folder / f"{table}.csv", index=False)
    return {t: p[2] for t, p in parts.items()}


def _as_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def referral_sheet_rows(lists: dict[str, pd.DataFrame]) -> tuple[list[str], list[list[object]]]:
    """Plain official-layout List 3 rows (for simple writers)."""
    ref = lists["referrals"]
    rows = [[int(r.id), r.gender, "", r.dob.strftime("%d/%m/%Y"), age_on(r.dob, r.date),
             r.date.strftime("%d/%m/%Y"), r.source, r.nfa, "", "", ""] for r in ref.itertuples()]
    return REFERRALS.headers, rows
