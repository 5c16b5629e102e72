"""A long fuzz run of the reader: hostile and unlucky cells in Lists 3, 7 and 8, and damaged files.

    python benchmarks/fuzz_read.py                    # about 10 minutes: the sweep, then random cases
    python benchmarks/fuzz_read.py --minutes 60 --seed 2
    python benchmarks/fuzz_read.py --cases 500        # a fixed number of random cases after the sweep

Three kinds of case, each read as a user's file would be:

- the sweep: every value of ``tests/io/fuzz_cells.NASTY`` (placeholders and impossible dates, missing markers,
  numbers at the edges, half-right codes, formula and script injection, odd Unicode, formulas with and
  without saved results) in every column of Lists 3, 7 and 8, one workbook per value;
- random workbooks: plausible rows with up to a dozen cells replaced by nasty values, random text, numbers
  or dates, written as an .xlsx workbook or as a folder of one CSV file per list;
- random damage: a valid workbook with bytes changed or cut off.

A case fails when reading raises anything but ``CscDemandError`` (for damaged files), or breaks a promise
checked by ``fuzz_cells.check_read`` (a list lost, rows not accounted for, a child-level value in a message,
the file refused). Failures are counted by kind and the first of each kind is saved under
``benchmarks/.cache/fuzz-failures/`` to reproduce. Prints the cases run and the failures (exit status 1 if
any); the last result is quoted in docs/hardening.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import pickle
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "tests" / "io"))

from fuzz_cells import KEY, LISTS, NASTY, Formula, check_read, valid_rows, workbook_bytes  # noqa: E402

from csc_demand.errors import CscDemandError  # noqa: E402
from csc_demand.io import read_annex_a  # noqa: E402

FAILURES = ROOT / ".cache" / "fuzz-failures"


def _random_cell(rng: random.Random) -> object:
    pick = rng.random()
    if pick < 0.55:
        return rng.choice(NASTY)
    if pick < 0.7:
        alphabet = "0123456789/-.: aAbBeEnN)%+=@#£é\u00a0\u202e٠١"
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 14)))
    if pick < 0.8:
        return rng.choice([rng.randrange(-10**12, 10**12), rng.uniform(-1e6, 1e6), rng.randrange(0, 3_000_000)])
    if pick < 0.9:
        return dt.datetime(1900, 1, 1) + dt.timedelta(days=rng.randrange(0, 2_958_000), seconds=rng.randrange(86400))
    return None


def random_workbook(rng: random.Random) -> dict[str, list[list[object]]]:
    """Plausible rows of each list with up to a dozen cells replaced by nasty or random values."""
    out = {}
    for name, spec in LISTS.items():
        rows = valid_rows(rng, name, rng.randrange(1, 12))
        for _ in range(rng.randrange(0, 13)):
            rows[rng.randrange(len(rows))][rng.randrange(len(spec.fields))] = _random_cell(rng)
        out[name] = rows
    return out


def _csv_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, Formula):
        v = v.cached if v.cached is not None else ""
    if isinstance(v, dt.datetime):
        return v.strftime("%d/%m/%Y %H:%M:%S" if v.hour or v.minute or v.second else "%d/%m/%Y")
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    return str(v)


def csv_uploads(rows_by_list: dict[str, list[list[object]]]) -> list[tuple[str, bytes]]:
    """The lists as a folder of CSV files (one per list), as uploads ``(name, bytes)``."""
    out = []
    for name, rows in rows_by_list.items():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(LISTS[name].headers)
        for r in rows:
            w.writerow([_csv_text(v).replace("\x00", "") for v in r])
        out.append((f"{name.lower()} 2020-12-31.csv", buf.getvalue().encode("utf-8")))
    return out


def check_csv(rows_by_list: dict[str, list[list[object]]]) -> None:
    """The CSV form may lose what only a workbook can hold (cell types), so only: no exception but
    CscDemandError, and the three lists are there."""
    try:
        annex = read_annex_a(csv_uploads(rows_by_list), key=KEY)
    except CscDemandError as exc:
        raise AssertionError(f"the CSV files were refused: {exc}") from None
    for table in ("referrals", "cp_plans", "looked_after"):
        assert table in annex.tables, f"{table} was lost"


def check_damaged(data: bytes, rng: random.Random) -> None:
    """Bytes changed or cut off: reading may refuse the file, but only with CscDemandError."""
    data = bytearray(data)
    for _ in range(rng.randrange(1, 6)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    if rng.random() < 0.3:
        data = data[: rng.randrange(1, len(data))]
    try:
        read_annex_a(("annex_a_2020-12-31.xlsx", bytes(data)), key=KEY)
    except CscDemandError:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="time for the random cases (default 10)")
    parser.add_argument("--cases", type=int, default=None, help="a fixed number of random cases instead")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    counts: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    t0 = time.perf_counter()

    def run(kind: str, fn, *payload) -> None:
        counts[kind] += 1
        try:
            fn(*payload)
        except Exception as exc:  # noqa: BLE001 (every failure is counted, none stops the run)
            where = traceback.extract_tb(exc.__traceback__)[-1]
            label = f"{kind}: {type(exc).__name__} at {Path(where.filename).name}:{where.lineno}"
            if not failures[label]:
                FAILURES.mkdir(parents=True, exist_ok=True)
                with (FAILURES / f"{kind}-{sum(failures.values())}.pickle").open("wb") as fh:
                    pickle.dump({"kind": kind, "payload": payload, "error": repr(exc)}, fh)
                print(f"FAILED {label}: {str(exc)[:300]}", file=sys.stderr)
            failures[label] += 1

    for i, value in enumerate(NASTY):  # the sweep: each value in each column of each list
        book = {}
        for name, spec in LISTS.items():
            rows = valid_rows(rng, name, len(spec.fields) + 2)
            for j in range(len(spec.fields)):
                rows[j][j] = value
            book[name] = rows
        run("sweep", check_read, book)
    valid = workbook_bytes({name: valid_rows(random.Random(0), name, 5) for name in LISTS})
    deadline = t0 + args.minutes * 60
    n = 0
    while (n < args.cases) if args.cases is not None else (time.perf_counter() < deadline):
        book = random_workbook(rng)
        pick = n % 4
        if pick < 2:
            run("random workbook", check_read, book)
        elif pick == 2:
            run("random CSV folder", check_csv, book)
        else:
            run("damaged workbook", check_damaged, valid, random.Random(rng.random()))
        n += 1
    total = sum(counts.values())
    print(f"Cases run: {total:,} in {(time.perf_counter() - t0) / 60:.1f} minutes (seed {args.seed}): "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"Failures (uncaught exceptions or broken promises): {sum(failures.values()):,}")
    for label, k in failures.most_common():
        print(f"  {k:,} × {label}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
