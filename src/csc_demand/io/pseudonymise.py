"""Pseudonymisation of child IDs with a keyed hash, and the key kept on the user's machine.

The LA's ``Child Unique ID`` is replaced at ingest by the first 16 hex characters of
HMAC-SHA256(key, normalised ID) (see :func:`csc_demand.io.parse.normalise_ids` for the normalisation:
``00123`` == ``123`` == ``123.0``). The key is 32 random bytes created once per user, so the same child
gets the same pseudonym across lists and across extracts loaded at different times, while nobody without
the key can recover or test an ID.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
from pathlib import Path

import pandas as pd

from csc_demand.errors import CscDemandError

KEY_BYTES = 32
#: A key shorter than this (an empty file, say) is refused, never used.
MIN_KEY_BYTES = 16
KEY_FILE_NAME = "pseudonym.key"


def config_dir() -> Path:
    """The user's csc-demand configuration folder.

    ``$CSC_DEMAND_HOME`` if set; else ``%APPDATA%\\csc-demand`` on Windows; else
    ``$XDG_CONFIG_HOME/csc-demand`` or ``~/.config/csc-demand``.
    """
    if os.environ.get("CSC_DEMAND_HOME"):
        return Path(os.environ["CSC_DEMAND_HOME"])
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "csc-demand"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "csc-demand"


def default_key_path() -> Path:
    """Where the pseudonymisation key lives: ``$CSC_DEMAND_KEY_FILE`` if set, else in :func:`config_dir`."""
    if os.environ.get("CSC_DEMAND_KEY_FILE"):
        return Path(os.environ["CSC_DEMAND_KEY_FILE"])
    return config_dir() / KEY_FILE_NAME


def _read_key(key_path: Path) -> bytes:
    key = key_path.read_bytes()
    if len(key) < MIN_KEY_BYTES:
        raise CscDemandError(
            f"The pseudonymisation key file {key_path} is too short to be a key. Restore it from a "
            "backup, or delete it to create a new one (children will then get new pseudonyms).")
    return key


def load_or_create_key(path: str | os.PathLike[str] | None = None) -> bytes:
    """The 32-byte pseudonymisation key, created (random, file mode 0600) the first time it is needed.

    Keep the file: a new key gives every child a new pseudonym, so extracts loaded with different keys no
    longer link. The command line and the app use the same key file, so a child has the same pseudonym
    wherever the lists are read.

    A new key is written whole to a temporary file (0600) next to the key file and only then put in place,
    so no process ever reads a half-written or empty key: with a hard link, which fails if another process
    put its key there first (that key is then used), or else with :func:`os.replace`.

    Parameters
    ----------
    path
        The key file (default :func:`default_key_path`: ``$CSC_DEMAND_KEY_FILE``, else ``pseudonym.key`` in
        the csc-demand settings folder). Its folder is created when missing.

    Returns
    -------
    bytes
        The key as kept in the file (32 bytes when this function created it; a file of your own may hold
        any key of at least 16 bytes).

    Raises
    ------
    CscDemandError
        When the key file cannot be read or created (no permission, say), or holds fewer than 16 bytes (an
        empty file, say): such a key is refused, never used.

    Examples
    --------
    >>> import csc_demand as cd
    >>> key = cd.load_or_create_key()
    >>> annex = cd.read_annex_a("Annex A 2024-03-31.xlsx", key=key)
    """
    key_path = Path(path) if path is not None else default_key_path()
    try:
        if key_path.exists():
            return _read_key(key_path)
        key_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = key_path.with_name(f".{key_path.name}.{secrets.token_hex(6)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(KEY_BYTES))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, key_path)  # atomic, and never replaces a key another process put there first
            except FileExistsError:
                pass
            except OSError:  # no hard links on this file system
                os.replace(tmp, key_path)
        finally:
            tmp.unlink(missing_ok=True)
        return _read_key(key_path)  # the key in the file, whoever wrote it
    except OSError as exc:
        raise CscDemandError(
            f"Could not read or create the pseudonymisation key file {key_path} ({exc.strerror}). "
            "Set CSC_DEMAND_KEY_FILE or use --key-file to point to a folder you can write to.") from None


def pseudonymise(ids: pd.Series, key: bytes) -> pd.Series:
    """16-hex-character pseudonyms for normalised IDs (``<NA>`` stays ``<NA>``); hashes each distinct ID once.

    Raises :class:`CscDemandError` for a key shorter than :data:`MIN_KEY_BYTES` (an empty key would make the
    pseudonyms a plain hash of the IDs, which anyone could test)."""
    if len(key) < MIN_KEY_BYTES:
        raise CscDemandError("The pseudonymisation key is empty or too short, so the child IDs cannot be "
                             "pseudonymised. Restore the key file from a backup, or delete it to create a new one.")
    uniques = ids.dropna().unique()
    base = hmac.new(key, digestmod=hashlib.sha256)

    def one(text: str) -> str:
        h = base.copy()
        h.update(text.encode("utf-8"))
        return h.hexdigest()[:16]

    table = {u: one(str(u)) for u in uniques}
    return ids.map(table).astype("string")
