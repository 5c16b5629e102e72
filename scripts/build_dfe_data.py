"""Build the compact copy of the DfE's published per-authority figures bundled with the package.

Reads the DfE's files (Explore Education Statistics and the Local Authority Interactive Tool, Open Government
Licence v3.0; see ``csc_demand.io.dfe`` for which) with :func:`csc_demand.io.dfe.read_dfe` and writes its tidy
table and notes into ``src/csc_demand/data`` (``dfe_published.csv.gz`` and ``dfe_published_notes.csv``), which
``read_dfe()`` reads when no folder is given. Figures are copied as published (no rounding, no arithmetic).

Run from the repository's root after the DfE publishes a new year (put the new downloads in the folder)::

    python scripts/build_dfe_data.py [path/to/folder/of/dfe/files]

and commit the two files (``tests/io/test_dfe.py`` checks them against the folder when it is at hand).
"""

from __future__ import annotations

import sys
from pathlib import Path

from csc_demand.io.dfe import read_dfe, write_bundle

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "dfe"
TARGET = ROOT / "src" / "csc_demand" / "data"


def main(argv: list[str]) -> int:
    pub = read_dfe(Path(argv[0]) if argv else DEFAULT_SOURCE)
    table_path, notes_path = write_bundle(pub, TARGET)
    for path in (table_path, notes_path):
        print(f"Wrote {path.relative_to(ROOT)}: {path.stat().st_size:,} bytes.")
    print(f"{len(pub.table):,} figures, {len(pub.notes)} notes; "
          f"{sum(p.severity == 'warning' for p in pub.notes)} warnings.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
