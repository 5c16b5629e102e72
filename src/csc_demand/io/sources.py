"""Turning what the user gives us (paths, folders, uploads, pasted text) into raw cell grids.

Every input becomes :class:`InputFile` (name + bytes), then one :class:`RawSheet` per worksheet or per
CSV/text file: a rectangular list of rows of Python values (``""`` for an empty cell), with row 0 being
spreadsheet row 1. Workbooks are read with python-calamine (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``);
text files with the :mod:`csv` module. Before any workbook is opened its container is checked, so a file
that is empty, not a spreadsheet, password-protected, truncated or a zip bomb is refused with one plain
sentence (:class:`~csc_demand.errors.CscDemandError`) rather than a traceback.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from csc_demand.errors import CscDemandError
from csc_demand.tables import Problem

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"})
TEXT_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
SUFFIXES = WORKBOOK_SUFFIXES | TEXT_SUFFIXES
#: Zip-bomb limits, checked on the zip directory before a workbook is opened.
MAX_UNCOMPRESSED_BYTES = 1_000_000_000
MAX_COMPRESSION_RATIO = 200
#: The ratio is only meaningful for archives that unpack to something sizeable.
_RATIO_MIN_BYTES = 1_000_000
MAX_FILE_BYTES = 500_000_000
#: Excel's largest sheet. No Annex A list is longer; a longer sheet (or CSV) is refused before it is loaded.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
#: The most cells a sheet may span (the rectangle from A1 to its last value, which the workbook reader holds
#: in memory whole), and all the sheets of a workbook together. The largest LAs' Annex A workbook, every
#: list 1–11, spans about 1 million cells and is read in about 300 MB (benchmarks/bench_memory.py); reading
#: takes about 160 bytes a cell, so these keep any workbook that is read under about 1.5 GB.
MAX_SHEET_CELLS = 6_000_000
MAX_WORKBOOK_CELLS = 8_000_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_WHAT_TO_DO = "Save it from Excel as an .xlsx workbook (or export each list as CSV) and try again."


def shown_name(name: str | os.PathLike[str]) -> str:
    """A file or folder name as it can be shown and written anywhere.

    On Linux a file name is bytes; Python keeps bytes that are not UTF-8 as lone surrogates
    (``'annex_\udcff.xlsx'``), which no UTF-8 writer accepts (the Excel and HTML reports, the app), so such
    bytes become the replacement character ``�``. Every name that enters the reader goes through here.
    """
    text = os.fspath(name)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate not made by the file system
        return text.encode("utf-8", "replace").decode("utf-8")


@dataclass(frozen=True)
class InputFile:
    """One file's bytes. ``name`` is what the user sees (the file name); ``folder`` the folder it came
    from when a folder was given (its name can hold the extract date)."""

    name: str
    data: bytes
    folder: str | None = None

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()

    @property
    def is_text(self) -> bool:
        return self.suffix in TEXT_SUFFIXES and not self.data.startswith((_ZIP_MAGIC, _OLE_MAGIC))


@dataclass
class RawSheet:
    """One sheet's cells as read: ``rows[i][j]`` is spreadsheet row ``i + 1``, column ``j + 1``."""

    file: str
    sheet: str | None
    rows: list[list[object]]
    problems: list[Problem] = field(default_factory=list)


def _read_path(path: Path, folder: str | None) -> InputFile:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CscDemandError(f"{shown_name(path.name)} is {size / 1e6:.0f} MB, far larger than any Annex A "
                                 "workbook; check you chose the right file.")
        return InputFile(shown_name(path.name), path.read_bytes(), folder)
    except OSError as exc:
        raise CscDemandError(f"Could not read {shown_name(path.name)} ({exc.strerror or type(exc).__name__}). "
                             "Check the path and that the file is not open in another program.") from None


#: What a folder contributes: spreadsheets, CSV and text files, and XML (SSDA903 returns).
FOLDER_SUFFIXES = SUFFIXES | {".xml"}


def folder_files(folder: Path) -> list[Path]:
    """The files a folder contributes, searched recursively, in path order: spreadsheets, CSV/text files and
    XML (:data:`FOLDER_SUFFIXES`); Excel's ``~$`` lock files and hidden files and folders are skipped."""
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES and not p.name.startswith("~$")
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def collect_inputs(sources: object) -> list[InputFile]:
    """Every input file from a path, a folder, an upload (``.name`` + ``.getvalue()``), a ``(name, bytes)``
    tuple, or a sequence of these. Folders contribute their files and those of the folders inside them
    (:func:`folder_files`); each file keeps the name of the folder it is in (its date can be the extract's)."""
    items: Iterable[object]
    if isinstance(sources, (str, os.PathLike)) or hasattr(sources, "getvalue") or (
            isinstance(sources, tuple) and len(sources) == 2 and isinstance(sources[1], (bytes, bytearray))):
        items = [sources]
    elif isinstance(sources, Iterable) and not isinstance(sources, (bytes, bytearray, Mapping)):
        items = list(sources)
    else:
        raise CscDemandError("Give the Annex A workbook as a file path, a folder or an uploaded file.")
    out: list[InputFile] = []
    seen: set[Path] = set()

    def once(path: Path) -> bool:  # the same file given twice (or via its folder) is read once
        resolved = path.resolve()
        if resolved in seen:
            return False
        seen.add(resolved)
        return True

    for item in items:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], (bytes, bytearray)):
            out.append(InputFile(shown_name(Path(str(item[0])).name), bytes(item[1])))
        elif hasattr(item, "getvalue") and hasattr(item, "name"):
            try:
                data = item.getvalue()
            except Exception:  # an upload that cannot be read is the user's file problem, not a crash
                raise CscDemandError(f"Could not read the uploaded file {shown_name(Path(str(item.name)).name)}; "
                                     "upload it again.") from None
            out.append(InputFile(shown_name(Path(str(item.name)).name), bytes(data)))
        elif isinstance(item, (str, os.PathLike)):
            path = Path(item)
            if path.is_dir():
                files = folder_files(path)
                if not files:
                    raise CscDemandError(f"The folder {shown_name(path.name)} holds no spreadsheet, CSV or XML "
                                         "file (.xlsx, .xlsm, .xls, .ods, .csv, .tsv, .txt, .xml), in it or in "
                                         "the folders inside it.")
                out.extend(_read_path(p, shown_name(p.parent.name)) for p in files if once(p))
            elif path.exists():
                if once(path):
                    out.append(_read_path(path, None))
            else:
                raise CscDemandError(f"{shown_name(path)} does not exist. Check the file name and folder.")
        else:
            raise CscDemandError("Give the Annex A workbook as a file path, a folder or an uploaded file.")
    if not out:
        raise CscDemandError("No file was given: choose the Annex A workbook (or a folder of CSV files).")
    return out


def _check_zip(f: InputFile) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(f.data)) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise CscDemandError(f"{f.name} is damaged or incomplete (truncated). Copy it again from the original, "
                             f"or open it in Excel and save a new copy.") from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES or (total > _RATIO_MIN_BYTES and total > MAX_COMPRESSION_RATIO * max(packed, 1)):
        raise CscDemandError(f"{f.name} would unpack to {total / 1e6:,.0f} MB, which no Annex A workbook does, so "
                             "it was not opened (it may be a 'zip bomb'). Check the file's origin.")
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise _encrypted(f)
    if not ({"xl/workbook.xml", "xl/workbook.bin", "content.xml"} & names):
        raise CscDemandError(f"{f.name} is a zip file but not an Excel or OpenDocument workbook. {_WHAT_TO_DO}")
    return names


def _ole_streams(data: bytes) -> set[str]:
    """The names of the streams an OLE2 (compound file) container declares that tell workbooks apart:
    ``Workbook`` / ``Book`` (an Excel 97–2003 ``.xls``), ``EncryptedPackage`` / ``EncryptionInfo`` (a
    password-protected ``.xlsx``). Directory entries are 128 bytes, each starting with its name in UTF-16."""
    found = set()
    for name in ("Workbook", "Book", "EncryptedPackage", "EncryptionInfo"):
        needle = name.encode("utf-16-le") + b"\x00\x00"
        start = data.find(needle)
        while start != -1:
            if start % 128 == 0:
                found.add(name)
                break
            start = data.find(needle, start + 1)
    return found


# Cell references that can make a sheet large, each only where the cell holds something (not ``<c .../>``):
# a column of two or three letters (AA to XFD), or a row of six digits or more (100,000 on). Looking only for
# these keeps the scan of an ordinary list (a few columns, a few thousand rows) to a fast search.
_WIDE_REF = re.compile(rb' r="([A-Z]{2,3})([0-9]{1,9})"[^>/]*>')
_DEEP_REF = re.compile(rb' r="([A-Z]{1,3})([0-9]{6,9})"[^>/]*>')
_NARROW_REF = re.compile(rb' r="([A-Z])[0-9]{1,9}"[^>/]*>')
_DEEP_ROW = re.compile(rb'row r="([0-9]{6,9})"')
# A formula cell whose result was not saved: nothing, or an empty <v/>, after its formula, as scripts and
# export tools that do not calculate write them (openpyxl, for one); the reader sees an empty cell. Excel
# writes a formula that gives "" as <c t="str"><f>…</f><v></v></c>: that one was calculated.
_FORMULA_CELL = re.compile(rb"<c\b([^>]*)>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(<v\s*/>|<v>\s*</v>)?\s*</c>")
_CHUNK_BYTES = 1 << 22


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _refs_extent(refs: list[tuple[bytes, bytes]]) -> tuple[int, int]:
    """The largest row and the largest column among ``(letters, digits)`` cell references."""
    if not refs:
        return 0, 0
    cols, rows = zip(*refs, strict=True)
    return max(map(int, rows)), max(map(_column_number, set(cols)))


def _sheet_extent(zf: zipfile.ZipFile, part: str) -> tuple[int, int, int, int]:
    """``(last row, last column, cells, formulas without results)`` of a worksheet part of an .xlsx, read
    as a stream (a few MB at a time) before the workbook reader loads it, stopping as soon as the sheet is
    over :data:`EXCEL_MAX_ROWS` or :data:`MAX_SHEET_CELLS`.

    ``cells`` counts cell elements (an upper bound, which also guards cells written without a reference).
    The last row is the largest of the number of rows, the row numbers of 100,000 on and the rows of cells
    beyond column Z; the last column is exact beyond Z (single-letter columns are looked at only when the
    sheet is deep enough for them to matter, otherwise 0). Empty cells (``<c r="Z9" s="1"/>``) are skipped,
    as the reader skips them.
    """
    last_row = last_col = cells = rows = uncalculated = 0
    narrow = 0
    tail = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_CHUNK_BYTES)
            buf = tail + chunk
            cut = max(buf.rfind(b"<"), 0) if chunk else len(buf)
            body, tail = buf[:cut], buf[cut:]
            cells += body.count(b"<c")  # also <col>, <cfRule>...: an upper bound
            rows += body.count(b"<row")
            if b"</f>" in body or b"<f " in body:  # formulas here: any saved without their results?
                uncalculated += sum(1 for attrs, value in _FORMULA_CELL.findall(body)
                                    if not (value.startswith(b"<v>") and b't="str"' in attrs))
            r_wide, c_wide = _refs_extent(_WIDE_REF.findall(body))
            r_deep, c_deep = _refs_extent(_DEEP_REF.findall(body))
            r_elem = max(map(int, _DEEP_ROW.findall(body)), default=0)
            last_row = max(last_row, rows, r_wide, r_deep, r_elem)
            last_col = max(last_col, c_wide, c_deep)
            if last_row * 26 > MAX_SHEET_CELLS and last_col < 26 and narrow < 26:
                narrow = max([narrow, *map(_column_number, set(_NARROW_REF.findall(body)))])
            if (not chunk or last_row > EXCEL_MAX_ROWS or cells > MAX_SHEET_CELLS
                    or last_row * max(last_col, narrow) > MAX_SHEET_CELLS):
                return last_row, max(last_col, narrow), cells, uncalculated


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its worksheet part (``xl/worksheets/sheet1.xml``) from the workbook's own index."""
    import html

    try:
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except Exception:  # a damaged index: the workbook reader says so
        return {}
    targets = {}
    for tag in re.findall(rb"<(?:\w+:)?Relationship\s[^>]*>", rels):
        rid, target = re.search(rb'\bId="([^"]*)"', tag), re.search(rb'\bTarget="([^"]*)"', tag)
        if rid and target:
            t = html.unescape(target.group(1).decode("utf-8", "replace"))
            targets[rid.group(1)] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    parts = {}
    for tag in re.findall(rb"<(?:\w+:)?sheet\s[^>]*>", book):
        name, rid = re.search(rb'\bname="([^"]*)"', tag), re.search(rb'\b(?:\w+:)?id="([^"]*)"', tag)
        if name and rid and rid.group(1) in targets:
            parts[html.unescape(name.group(1).decode("utf-8", "replace"))] = targets[rid.group(1)]
    return parts


def _too_large_message(file: str, sheet: str, last_row: int, last_col: int, cells: int,
                       cut_off: bool = False) -> str | None:
    """Why a sheet of ``last_row`` rows and ``last_col`` columns (``cells`` with content) is not read, or
    ``None`` when it is within bounds. ``cut_off``: the reader stops at Excel's last row (OpenDocument), so
    a sheet that reaches it may have lost rows."""
    where = f"Sheet '{sheet}' of {file}"
    refused = (", so it cannot be an Annex A list saved by Excel and was not read. Export the list again from "
               "the case system, or check where the file came from.")
    if last_row > EXCEL_MAX_ROWS:
        return f"{where} has at least {last_row:,} rows, more than Excel's maximum of {EXCEL_MAX_ROWS:,}" + refused
    if cut_off and last_row >= EXCEL_MAX_ROWS:
        return f"{where} reaches row {last_row:,}, Excel's last row, so rows beyond it may be missing" + refused
    spans = max(cells, last_row * last_col)
    if spans > MAX_SHEET_CELLS:
        return (f"{where} spans {spans:,} cells (to row {last_row:,}, column {last_col:,}), far more than "
                "any Annex A list, so it was not read. Delete the rows and columns beyond the list (or copy "
                "the list into a new workbook) and try again.")
    return None


def _uncalculated_problem(file: str, sheet: str, count: int) -> Problem:
    """The warning for ``count`` formula cells of a sheet saved without their results."""
    cells = (f"{count:,} cells of sheet '{sheet}' are formulas" if count != 1 else
             f"1 cell of sheet '{sheet}' is a formula")
    return Problem("warning", "formulas_without_values",
                   f"{cells} saved without their calculated values (the workbook was written by a program that "
                   "does not calculate, such as a script or an export tool), so they read as empty. Open the "
                   "workbook in Excel (or LibreOffice Calc), let it calculate, save it, and read it again.",
                   file=file, sheet=sheet)


def _scan_sheets(f: InputFile) -> tuple[dict[str, str], dict[str, Problem]]:
    """For an .xlsx/.xlsm, streaming each sheet's XML before anything is loaded: sheet name → why it is
    refused (longer than Excel allows, or spanning more than :data:`MAX_SHEET_CELLS`), and sheet name →
    the warning for its formulas saved without their results. Raises :class:`CscDemandError` when the
    sheets read would together span more than :data:`MAX_WORKBOOK_CELLS`."""
    out: dict[str, str] = {}
    formulas: dict[str, Problem] = {}
    total = 0
    with zipfile.ZipFile(io.BytesIO(f.data)) as zf:
        names = set(zf.namelist())
        for sheet, part in _sheet_parts(zf).items():
            if part not in names:
                continue
            try:
                last_row, last_col, cells, uncalculated = _sheet_extent(zf, part)
            except Exception:  # zlib, zip and bad-data errors of a damaged part: the workbook reader says so
                continue
            why = _too_large_message(f.name, sheet, last_row, last_col, cells)
            if why:
                out[sheet] = why
            else:
                total += max(cells, last_row * last_col)
                if uncalculated:
                    formulas[sheet] = _uncalculated_problem(f.name, sheet, uncalculated)
    if total > MAX_WORKBOOK_CELLS:
        raise CscDemandError(f"{f.name} holds about {total:,} cells, far more than any Annex A workbook (the "
                             "largest local authorities' come to about 1 million), so it was not read. Keep only "
                             "the Annex A lists in the workbook (or save each list as a CSV file) and try again.")
    return out, formulas


def _encrypted(f: InputFile) -> CscDemandError:
    return CscDemandError(f"{f.name} is password-protected (encrypted), so it cannot be read. Open it in Excel, "
                          "remove the password (File > Info > Protect Workbook), save a copy and load that.")


def _workbook_sheets(f: InputFile) -> list[RawSheet]:
    import python_calamine as pc

    renamed: Problem | None = None
    parts: set[str] = set()
    if f.data.startswith(_ZIP_MAGIC):
        parts = _check_zip(f)
    elif f.data.startswith(_OLE_MAGIC):
        streams = _ole_streams(f.data)
        if {"EncryptedPackage", "EncryptionInfo"} & streams:
            raise _encrypted(f)
        if f.suffix != ".xls":
            if not {"Workbook", "Book"} & streams:
                raise _encrypted(f)  # no workbook inside: most likely an encrypted .xlsx
            renamed = Problem("info", "xls_renamed",  # calamine reads the .xls by its content
                              f"{f.name} is an older Excel workbook (.xls) with a {f.suffix} name; it was read as "
                              "an .xls workbook.", file=f.name)
    else:
        head = f.data[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
            raise CscDemandError(f"{f.name} is a web page or XML file with a spreadsheet name, not a real "
                                 f"workbook. Open it in Excel and save it as .xlsx, then load that.")
        raise CscDemandError(f"{f.name} is not a spreadsheet (its contents are not an Excel or OpenDocument "
                             f"workbook). {_WHAT_TO_DO}")
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(f.data))
    except pc.PasswordError:
        raise _encrypted(f) from None
    except Exception:  # calamine raises several types for a damaged file; the user's remedy is the same
        raise CscDemandError(f"{f.name} could not be opened as a workbook: it may be damaged or incomplete. "
                             "Open it in Excel and save a new copy, then load that.") from None
    too_large, formulas = _scan_sheets(f) if "xl/workbook.xml" in parts else ({}, {})
    ods = "content.xml" in parts and "xl/workbook.xml" not in parts  # read only up to Excel's last row
    sheets: list[RawSheet] = []
    try:
        metadata = list(wb.sheets_metadata)
    except Exception:
        metadata = []
    kinds = {m.name: str(m.typ) for m in metadata}
    for name in wb.sheet_names:
        if kinds.get(name, "WorkSheet").split(".")[-1] not in ("WorkSheet", "Worksheet"):
            continue
        why = too_large.get(name)
        try:
            if why is None:
                sheet = wb.get_sheet_by_name(name)
                end = sheet.end or (-1, -1)  # checked again as held, before a Python object is made
                why = _too_large_message(f.name, name, end[0] + 1, end[1] + 1, 0, cut_off=ods)
            if why is None:
                rows = sheet.to_python(skip_empty_area=False)
        except Exception:
            sheets.append(RawSheet(f.name, name, [], [Problem(
                "warning", "sheet_unreadable",
                f"Sheet '{name}' could not be read (it may be damaged); the other sheets were read.",
                file=f.name, sheet=name)]))
            continue
        if why is not None:
            sheets.append(RawSheet(f.name, name, [], [Problem("warning", "sheet_too_large", why, file=f.name,
                                                              sheet=name)]))
            continue
        sheets.append(RawSheet(f.name, name, rows, [formulas[name]] if name in formulas else []))
    if renamed is not None and sheets:
        sheets[0].problems.insert(0, renamed)
    return sheets


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def text_rows(text: str, delimiter: str | None = None) -> list[list[object]]:
    """Rows of a CSV / tab-separated text (delimiter sniffed from the first lines if not given), padded to
    the same width, cells stripped."""
    text = text.replace("\x00", "")
    if delimiter is None:
        sample = "\n".join(text.splitlines()[:20])
        counts = {d: sample.count(d) for d in ("\t", ",", ";", "|")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    csv.field_size_limit(10_000_000)
    try:
        rows: list[list[object]] = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text, newline=""),
                                                                               delimiter=delimiter)]
    except csv.Error:
        raise CscDemandError("The text could not be read as a table (unbalanced quotes?). Export it again "
                             "as CSV from Excel.") from None
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        if len(r) < width:
            r.extend([""] * (width - len(r)))
    return rows


def raw_sheets(f: InputFile) -> list[RawSheet]:
    """The raw sheets of one input file (one per worksheet; one for a CSV/text file)."""
    if not f.data.strip():
        raise CscDemandError(f"{f.name} is empty. Export the list again, or choose another file.")
    if f.is_text:
        lines = f.data.count(b"\n") + (not f.data.endswith(b"\n"))
        if lines > EXCEL_MAX_ROWS:
            raise CscDemandError(f"{f.name} has {lines:,} lines, more than Excel's maximum of {EXCEL_MAX_ROWS:,} "
                                 "rows, which no Annex A list has, so it was not read. Export the list again, or "
                                 "check you chose the right file.")
        try:
            rows = text_rows(_decode(f.data), "\t" if f.suffix == ".tsv" else None)
        except CscDemandError as exc:
            raise CscDemandError(f"{f.name}: {exc}") from None
        return [RawSheet(f.name, None, rows)]
    if f.suffix not in WORKBOOK_SUFFIXES and not f.data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise CscDemandError(f"{f.name} is not a file type csc-demand reads (.xlsx, .xlsm, .xls, .ods, .csv, "
                             f".tsv, .txt). {_WHAT_TO_DO}")
    return _workbook_sheets(f)
