"""Pseudonyms for sharing a research data set: keyed HMAC-SHA256 of each subject id.

A plain or salted hash of a short id can be reversed by trying every id; an HMAC with a secret
key cannot, without the key. The key lives in a file of its own (``rollstats keygen KEYFILE``
writes 32 random bytes as hex, readable by its owner only) that is kept outside the repository
and never written into an output. The same key gives the same pseudonyms, so exports made at
different times can be joined; another key gives unrelated ones.

A pseudonym is the first ``length`` hex digits of the HMAC (16 by default: 64 bits). Two of
``n`` subjects share one with a chance of about n^2 / 2^65: 3 in 10^10 for 100,000 subjects,
3 in 10^8 for a million. :func:`pseudonymise` checks and refuses a collision all the same.

What else an export changes: every column of free text, which may hold names (``notes``,
``region_label``: "John's favourite spot"), is emptied unless kept by name; ``source`` (a path,
which may hold a name) keeps the file name only; columns that are not of the canonical table
are left out unless kept by name. Codes (region, side, activity, trigger), numbers and times
are kept as they are.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
import warnings
from pathlib import Path

import pandas as pd

from .errors import RollstatsError

#: Bytes of key ``keygen`` writes (as twice as many hex digits, then a line break).
KEY_BYTES = 32
#: A key file as ``keygen`` writes it: 64 hex digits, and a line break or none.
_KEY_FILE = re.compile(rb"[0-9a-fA-F]{64}(\r?\n)?")
#: Columns an export keeps as they are: codes, numbers and times of the canonical table.
SAFE_COLUMNS: tuple[str, ...] = ("start", "local_start", "night", "duration_s", "region", "side", "activity",
                                 "trigger", "hold_count", "hold_s", "pain_before", "pain_after", "source_row")
#: Free text of the canonical table: emptied in an export unless kept by name.
FREE_TEXT_COLUMNS: tuple[str, ...] = ("notes", "region_label")


class PrivacyError(RollstatsError):
    """A key file that is missing, not a key, or would be overwritten; or a pseudonym collision."""


class KeyFileWarning(UserWarning):
    """A key file that people other than its owner may read."""


def keygen(path: str | Path) -> Path:
    """Write a new random key (32 bytes as 64 hex digits) to ``path``, readable by its owner only.

    Refuses to overwrite a file: a lost key cannot be made again, and a replaced one changes
    every pseudonym.

    >>> import tempfile, os, stat
    >>> path = keygen(os.path.join(tempfile.mkdtemp(), "study.key"))
    >>> oct(stat.S_IMODE(os.stat(path).st_mode)), len(read_key(path))
    ('0o600', 32)
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise PrivacyError(f"{path}: exists already; rollstats never overwrites a key") from None
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (secrets.token_hex(KEY_BYTES) + "\n").encode("ascii"))
    finally:
        os.close(fd)
    return path


def read_key(path: str | Path) -> bytes:
    """The key in ``path``, a file as ``keygen`` writes it: 64 hex digits (32 bytes), then a line
    break or none. Anything else is refused (a key cut short or mistyped would silently give
    other pseudonyms). Warns (:class:`KeyFileWarning`) when group or others may read the file.

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile("w", delete=False); _ = f.write("00" * 32 + "\\n"); f.close()
    >>> os.chmod(f.name, 0o600)
    >>> read_key(f.name) == bytes(32)
    True
    >>> os.remove(f.name)
    """
    try:
        data = Path(path).read_bytes()
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise PrivacyError(f"{path}: cannot read the key file ({exc.strerror or exc})") from None
    if not _KEY_FILE.fullmatch(data):
        raise PrivacyError(f"{path}: not a rollstats key: {_what_is_wrong(data)}; a key file holds 64 hex "
                           "digits on one line, as `rollstats keygen KEYFILE` writes it")
    if os.name == "posix" and mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.warn(f"{path}: the key file may be read by others (mode {stat.S_IMODE(mode):04o}); "
                      f"make it owner-only: chmod 600 {path}", KeyFileWarning, stacklevel=2)
    return bytes.fromhex(data[:64].decode("ascii"))


def _what_is_wrong(data: bytes) -> str:
    """Why ``data`` is not a key file, without showing any of it (it may be most of a secret)."""
    line = data.split(b"\n", 1)[0].removesuffix(b"\r")
    bad = next((i for i, c in enumerate(line) if chr(c) not in "0123456789abcdefABCDEF"), None)
    if bad is not None:
        return f"character {bad + 1} of the first line is not a hex digit"
    if len(line) != 64:
        return f"{len(line)} hex digits instead of 64"
    return "something more after the 64 hex digits and their line break"


def pseudonym(subjects: pd.Series, key: bytes, length: int = 16) -> pd.Series:
    """HMAC-SHA256(key, subject id as UTF-8) in hex, cut to ``length`` digits (4 to 64).

    >>> pseudonym(pd.Series(["P001", "P001"]), b"k" * 16).tolist()
    ['fb14ebea2a8064ab', 'fb14ebea2a8064ab']
    """
    if not 4 <= length <= 64:
        raise PrivacyError(f"pseudonym length {length} must be from 4 to 64 hex digits")
    text = subjects.astype("string")
    names = {s: hmac.new(key, str(s).encode("utf-8"), hashlib.sha256).hexdigest()[:length]
             for s in text.dropna().unique()}
    return text.map(names).astype("string")


def pseudonymise(segments: pd.DataFrame, key: bytes, keep_notes: bool = False,
                 length: int = 16, keep: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """A copy of a canonical segment table fit to share: pseudonymous subject ids, every column
    of free text (:data:`FREE_TEXT_COLUMNS`) emptied, ``source`` reduced to the file name,
    columns outside the canonical table left out.

    ``keep``: columns to keep as they are, by name (``keep_notes`` is ``keep=["notes"]``); the
    subject id is always pseudonymised. ``length``: hex digits of a pseudonym (4 to 64).

    >>> t = pd.DataFrame({"subject_id": ["Ann"], "region_label": ["Ann's spot"], "notes": ["Ann's knee"],
    ...                   "source": ["/home/ann/log.csv"], "phone": ["555-0100"]})
    >>> pseudonymise(t, b"k" * 16).iloc[0].tolist()
    ['feb4ed1afb4a90da', nan, nan, 'log.csv']
    >>> pseudonymise(t, b"k" * 16, keep=["region_label"]).iloc[0].tolist()
    ['feb4ed1afb4a90da', "Ann's spot", nan, 'log.csv']
    """
    keep = set(keep) | ({"notes"} if keep_notes else set())
    unknown = sorted(keep - set(segments.columns))
    if unknown:
        raise PrivacyError(f"cannot keep column {unknown[0]!r}: the table has no such column")
    if "subject_id" in keep:
        raise PrivacyError("subject_id cannot be kept: an export always holds pseudonyms")
    out = segments.copy()
    out["subject_id"] = pseudonym(segments["subject_id"], key, length).astype(segments["subject_id"].dtype)
    pairs = pd.DataFrame({"id": segments["subject_id"], "p": out["subject_id"]}).dropna().drop_duplicates()
    clash = pairs.loc[pairs["p"].duplicated(keep=False)]
    if len(clash):
        raise PrivacyError(f"{clash['id'].nunique()} subjects share the pseudonym {clash['p'].iloc[0]}: "
                           "use a longer pseudonym length")
    for name in FREE_TEXT_COLUMNS:
        if name in out and name not in keep:
            out[name] = pd.Series(pd.NA, index=out.index, dtype=segments[name].dtype)
    if "source" in out and "source" not in keep:
        names = {s: Path(str(s).replace("\\", "/")).name for s in segments["source"].dropna().unique()}
        out["source"] = segments["source"].map(names).astype(segments["source"].dtype)
    known = {"subject_id", "source", *SAFE_COLUMNS, *FREE_TEXT_COLUMNS}
    return out[[c for c in out.columns if c in known or c in keep]]


def offset_times(segments: pd.DataFrame) -> pd.Series:
    """``start`` as ISO 8601 text with each segment's own UTC offset (its wall clock), so that an
    exported CSV reads back with the same nights.

    >>> t = pd.DataFrame({"start": pd.to_datetime(["2026-03-03 20:30"]).tz_localize("UTC"),
    ...                   "local_start": pd.to_datetime(["2026-03-03 21:30"])})
    >>> offset_times(t).tolist()
    ['2026-03-03T21:30:00+01:00']
    """
    utc = segments["start"].dt.tz_convert("UTC").dt.tz_localize(None)
    minutes = ((segments["local_start"] - utc).dt.total_seconds() // 60).astype("Int64")
    sign = minutes.map(lambda m: "-" if m < 0 else "+", na_action="ignore")
    hours = (minutes.abs() // 60).astype("string").str.zfill(2)
    rest = (minutes.abs() % 60).astype("string").str.zfill(2)
    wall = segments["local_start"].dt.strftime("%Y-%m-%dT%H:%M:%S").astype("string")
    return (wall + sign.astype("string") + hours + ":" + rest).astype("string")


def write_export(segments: pd.DataFrame, path: str | Path, key: bytes, keep_notes: bool = False,
                 length: int = 16, keep: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """Write a canonical segment table, pseudonymised (:func:`pseudonymise`), to share.

    By the suffix of ``path``: ``.csv`` and ``.xlsx`` (formulas neutralised; ``start`` as ISO
    text with each segment's own offset, so the file reads back into rollstats with the same
    nights), or ``.parquet`` (the canonical dtypes, for pandas). ``keep``, ``keep_notes`` and
    ``length`` as for :func:`pseudonymise`. Returns the table written.

    >>> import tempfile, os, rollstats
    >>> from rollstats.datasets import sample_path
    >>> out = os.path.join(tempfile.mkdtemp(), "shared.csv")
    >>> shared = write_export(rollstats.load(sample_path("patient")).segments, out, b"k" * 16)
    >>> shared["subject_id"].str.len().unique().tolist(), shared[["notes", "region_label"]].isna().all().all()
    ([16], np.True_)
    """
    from .output import to_csv, to_xlsx

    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".parquet"):
        raise PrivacyError(f"{path}: an export is .csv, .xlsx or .parquet")
    shared = pseudonymise(segments, key, keep_notes, length, keep)
    if suffix == ".parquet":
        shared.to_parquet(path, index=False)
        return shared
    table = shared.assign(start=offset_times(shared))
    (to_csv if suffix == ".csv" else to_xlsx)(table, path)
    return shared
