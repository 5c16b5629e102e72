"""The pseudonymisation key: written whole or not at all, never used empty."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

import pandas as pd
import pytest

from csc_demand.errors import CscDemandError
from csc_demand.io.pseudonymise import load_or_create_key, pseudonymise

_RACE = """
import sys, time
from pathlib import Path
from csc_demand.io.pseudonymise import load_or_create_key
folder, start = Path(sys.argv[1]), float(sys.argv[2])
while time.time() < start:
    pass
for i in range(25):
    try:
        print(len(load_or_create_key(folder / f"k{i}.key")), flush=True)
    except Exception as exc:
        print(type(exc).__name__, flush=True)
"""


def test_processes_started_at_once_all_get_the_same_whole_key(tmp_path):
    # Several processes creating the key at the same moment: each must get the full key that ends up in the
    # file (it was possible to read the file after another process created it but before it wrote the key)
    start = time.time() + 6  # all import first, then race on 25 new key files
    procs = [subprocess.Popen([sys.executable, "-c", _RACE, str(tmp_path), str(start)], stdout=subprocess.PIPE,
                              text=True) for _ in range(8)]
    outputs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert [len(out) for out in outputs] == [25] * 8
    assert [x for out in outputs for x in out if x != "32"] == []  # each key 32 bytes, never empty
    for i in range(25):
        assert len((tmp_path / f"k{i}.key").read_bytes()) == 32
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"k{i}.key" for i in range(25))  # no temp left
    if os.name == "posix":
        assert all(stat.S_IMODE((tmp_path / f"k{i}.key").stat().st_mode) == 0o600 for i in range(25))


def test_an_empty_or_short_key_is_refused(tmp_path):
    for content in (b"", b"short"):
        (tmp_path / "pseudonym.key").write_bytes(content)
        with pytest.raises(CscDemandError, match="too short to be a key"):
            load_or_create_key(tmp_path / "pseudonym.key")
    ids = pd.Series(["123", None], dtype="string")
    for key in (b"", b"x" * 15):
        with pytest.raises(CscDemandError, match="key"):
            pseudonymise(ids, key)
    assert pseudonymise(ids, b"k" * 32).str.len().tolist()[0] == 16
