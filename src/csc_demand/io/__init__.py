"""Reading Ofsted Annex A lists into clean, pseudonymised tables (see :mod:`csc_demand.tables`).

Public API:

- :func:`read_annex_a` — workbooks (.xlsx/.xlsm/.xls/.ods), CSV/TSV/text files, folders, uploads;
- :func:`read_pasted` — text pasted from Excel (tab-separated, with headers);
- :func:`read_history` — the LA's monthly figures (a CSV or a sheet: ``month`` and any of ``referrals``,
  ``cp_starts``, ``cp_open``, ``cla_starts``, ``cla_open``; its problem kinds are listed in ``history``);
- :func:`load_or_create_key` — the pseudonymisation key kept in the user's config folder;
- :func:`validation_summary` / :func:`format_summary` — what ``csc-demand validate`` prints.

Modules: ``sources`` (file kinds, container checks, raw cell grids), ``headers`` (header row, aliases,
which list), ``parse`` (cells: dates, codes, IDs), ``pseudonymise``, ``sheet`` (one sheet → one list
part), ``extract_date``, ``merge`` (duplicates, several extracts), ``reader`` (entry points), ``summary``.

Problem kinds (``Problem.kind``); (*) marks rows not used, each counted once in ``rows_not_used``:

- ``missing_id`` (*) no usable child ID; ``missing_date`` (*) / ``unreadable_date`` (*) the list's main
  date (e.g. date of referral, plan start) is blank or unreadable;
- ``duplicate_row`` (*) exact copy of an earlier row of the same list in the same extract;
- ``before_window`` (*, info) a referral dated before its extract's six-month window: the model reads
  referrals inside the extracts' windows only;
- ``repeated_header`` (*) a filter / repeated header row; ``notes_row`` (*) free text in one cell
  ("Data extracted on ...");
- ``short_break`` (*) List 8 row with legal status V3/V4 (short breaks are not periods of care);
- ``us_date_order`` (warning, one per column) text dates in US month/day/year order (``12/31/2020``): they
  are unreadable (``unreadable_date`` / ``bad_date``, whose message says so) and never swapped, and the
  column's dates that fit both orders may have been misread, so the user is asked to fix the export;
- ``bad_date`` another date cell unreadable (left blank); ``impossible_date`` another date cell before
  1900 or after 2100 (left blank; a main date out of that range makes the row ``unreadable_date``, saying
  which); ``open_end_date`` (info) an end date after 2100, which case systems write for "no end date" (such
  as ``31/12/9999``): read as open, the rows named; ``bad_number``; ``unknown_code`` a code or yes/no
  value not recognised (the value is shown only
  when it looks like a short code, never when it looks like an ID, a date or a postcode);
- ``end_before_start``, ``birth_after_event`` (birth after the start of care, or more than 40 weeks
  after another event: unborn children are referred and put on plans), ``age_out_of_range``
  (outside -1..25), ``after_extract_date``: impossible values, warnings, the row is kept;
- ``formulas_without_values`` (a sheet of an .xlsx whose formulas were saved without their results: their
  cells read as empty; a needed list left with no usable rows is then not ready, and ``validate`` exits 1);
- ``id_in_scientific_notation`` IDs like ``1.2E+11`` (digits lost in a CSV export): rows kept, warned;
- ``missing_column`` an optional column the model uses is absent; ``extra_column`` a column that is not
  part of the list (ignored); ``duplicate_column``;
- ``missing_required_column`` (warning) a sheet of a list without its child ID or main date column
  cannot be used (the list is then usually ``list_not_found``);
- ``list_not_found`` (error for Lists 3, 7, 8; info for 1, 4, 5, 6); ``list_not_needed`` (info: Lists 2,
  9, 10, 11 found, not needed by the model); ``no_list_found`` (info: a guidance or notes sheet);
- ``sheet_unreadable``, ``file_unreadable`` (a damaged sheet, or a bad file inside a folder: the rest is
  read); ``file_skipped`` (info: a file holding no list read, such as a README in a folder of extracts; it
  is no extract and sets no extract date; if no file holds a list, reading fails naming them);
  ``xls_renamed`` (info: an Excel 97–2003 workbook with an .xlsx/.xlsm name, recognised by its content and
  read as .xls); ``sheet_too_large`` (a sheet longer than Excel's 1,048,576 rows, or spanning more than
  ``sources.MAX_SHEET_CELLS``, refused before it is loaded: its XML is scanned as a stream first; a
  workbook or CSV file past the limits is refused whole); ``replaced_by_newer_extract`` (info: rows superseded when extracts are merged);
  ``one_extract_date_for_several_files``; ``no_extract_date`` (today's date used); ``extract_date_outliers``
  (an inferred extract date: a few dates standing more than two weeks after the rest are not used for it,
  their rows named).

Messages never contain a child-level value (ID, name, date of birth, team, worker, postcode, or any date).
Child IDs are normalised (spaces, trailing ``.0``, leading zeros removed, upper case: ``00123`` ==
``123`` == ``123.0``) and replaced by HMAC-SHA256 pseudonyms (16 hex characters); dates of birth are kept
as the first of the month only.
"""

from csc_demand.io.history import read_history
from csc_demand.io.pseudonymise import load_or_create_key
from csc_demand.io.reader import read_annex_a, read_pasted
from csc_demand.io.summary import format_summary, validation_summary

__all__ = ["read_annex_a", "read_pasted", "read_history", "load_or_create_key", "validation_summary",
           "format_summary"]
