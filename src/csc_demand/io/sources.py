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


def collect_inputs(sources: object) -> list[InputFile]:
    """Every input file from a path, a folder, an upload (``.name`` + ``.getvalue()``), a ``(name, bytes)``
    tuple, or a sequence of these. Folders contribute every spreadsheet or CSV/text file in them (not
    sub-folders; Excel's ``~$`` lock files are skipped)."""
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
                files = sorted(p for p in path.iterdir()
                               if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("~$"))
                if not files:
                    raise CscDemandError(f"The folder {shown_name(path.name)} holds no spreadsheet or CSV file "
                                         "(.xlsx, .xlsm, .xls, .ods, .csv, .tsv, .txt).")
                out.extend(_read_path(p, shown_name(path.name)) for p in files if once(p))
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


def _check_zip(f: InputFile) -> None:
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


def _encrypted(f: InputFile) -> CscDemandError:
    return CscDemandError(f"{f.name} is password-protected (encrypted), so it cannot be read. Open it in Excel, "
                          "remove the password (File > Info > Protect Workbook), save a copy and load that.")


def _workbook_sheets(f: InputFile) -> list[RawSheet]:
    import python_calamine as pc

    renamed: Problem | None = None
    if f.data.startswith(_ZIP_MAGIC):
        _check_zip(f)
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
    sheets: list[RawSheet] = []
    try:
        metadata = list(wb.sheets_metadata)
    except Exception:
        metadata = []
    kinds = {m.name: str(m.typ) for m in metadata}
    for name in wb.sheet_names:
        if kinds.get(name, "WorkSheet").split(".")[-1] not in ("WorkSheet", "Worksheet"):
            continue
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:
            sheets.append(RawSheet(f.name, name, [], [Problem(
                "warning", "sheet_unreadable",
                f"Sheet '{name}' could not be read (it may be damaged); the other sheets were read.",
                file=f.name, sheet=name)]))
            continue
        sheets.append(RawSheet(f.name, name, rows))
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
        try:
            rows = text_rows(_decode(f.data), "\t" if f.suffix == ".tsv" else None)
        except CscDemandError as exc:
            raise CscDemandError(f"{f.name}: {exc}") from None
        return [RawSheet(f.name, None, rows)]
    if f.suffix not in WORKBOOK_SUFFIXES and not f.data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise CscDemandError(f"{f.name} is not a file type csc-demand reads (.xlsx, .xlsm, .xls, .ods, .csv, "
                             f".tsv, .txt). {_WHAT_TO_DO}")
    return _workbook_sheets(f)
