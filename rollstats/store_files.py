"""The files of a cohort store: its layout, its parts, reading and writing them safely (see :mod:`rollstats.store`).

:class:`open_locked` makes a store and takes the writer's lock; :func:`rollstats.store.append`
holds it around :func:`clean_leftovers`, :func:`stored_rows` and :func:`write_parts`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
import uuid
from pathlib import Path

import pandas as pd
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .schema import SEGMENT_DTYPES, empty_segments
from .store_lock import LOCK_FILE, StoreError, StoreLock

STORE_FILE = "_store.json"
BUCKETS = 64
PARTITION = "subject_bucket"
#: A temporary ``_store.json`` of a store being made (what a writer killed at that moment leaves).
_TEMPORARY_STORE_FILE = re.compile(r"\.tmp-[0-9a-f]{32}-" + re.escape(STORE_FILE))
#: What ``_store.json`` says.
_STORE_RECORD = {"format": "rollstats-store", "version": 1, "partition": PARTITION, "buckets": BUCKETS,
                "hash": "blake2b-64(subject_id) mod buckets"}


def is_store(path: str | Path) -> bool:
    """Whether ``path`` is a cohort store (a folder with ``_store.json``).

    >>> import tempfile
    >>> is_store(tempfile.mkdtemp())
    False
    """
    return (Path(path) / STORE_FILE).is_file()


def bucket_of(subjects: pd.Series, buckets: int = BUCKETS) -> pd.Series:
    """Each subject's bucket, 0 to ``buckets - 1``, from a stable hash (blake2b, the same on every machine).

    >>> bucket_of(pd.Series(["P001", "P002", "P001"])).tolist()
    [15, 4, 15]
    """
    uniques = pd.unique(subjects.astype("string"))
    number = {s: int.from_bytes(hashlib.blake2b(str(s).encode("utf-8"), digest_size=8).digest(), "big") % buckets
              for s in uniques}
    return subjects.astype("string").map(number).astype("int64")


def _buckets_of(root: Path) -> int:
    """The number of subject buckets of the store at ``root`` (64 unless its ``_store.json`` says otherwise)."""
    return int(json.loads((root / STORE_FILE).read_text(encoding="utf-8")).get("buckets", BUCKETS))


def committed_parts(root: Path) -> list[Path]:
    """The Parquet part files of a store that a finished append committed and no later one
    removed (:func:`write_parts`), oldest first.

    >>> import tempfile, rollstats
    >>> from rollstats.datasets import sample_path
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = rollstats.append_to_store(root, rollstats.load(sample_path("patient")))
    >>> [p.parent.name for p in committed_parts(root)]
    ['subject_bucket=42']
    """
    records = [json.loads(r.read_text(encoding="utf-8")) for r in sorted((root / "_commits").glob("[!.]*.json"))]
    removed = {p for record in records for p in record.get("removes", [])}
    return [root / p for record in records for p in record["parts"] if p not in removed]


def bucket_of_part(part: Path) -> int:
    """The subject bucket (0-63) a part file belongs to, from its ``subject_bucket=NN`` folder.

    >>> bucket_of_part(Path("STORE/subject_bucket=07/part-1.parquet"))
    7
    """
    return int(part.parent.name.split("=", 1)[1])


def _only_leftovers(folder: Path) -> bool:
    """Whether ``folder`` holds nothing but a lock and temporary store files of rollstats."""
    return all(item.is_file() and (item.name == LOCK_FILE or _TEMPORARY_STORE_FILE.fullmatch(item.name))
               for item in folder.iterdir())


class open_locked:
    """``with open_locked(root):`` the store at ``root`` (made when the folder is new, empty, or
    holds only what a writer killed while making it left), locked for this writer.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()) / "new"
    >>> with open_locked(root):
    ...     is_store(root)
    True
    """

    def __init__(self, root: Path):
        self.root, self.lock = Path(root), StoreLock(Path(root))

    def __enter__(self) -> Path:
        if not is_store(self.root):
            if self.root.exists() and not (self.root.is_dir() and _only_leftovers(self.root)):
                raise _not_a_store(self.root)  # a file, or a folder of other things
            self.root.mkdir(parents=True, exist_ok=True)
        self.lock.__enter__()
        try:
            if not is_store(self.root):  # and nobody made it meanwhile
                if not _only_leftovers(self.root):
                    raise _not_a_store(self.root)
                for item in self.root.iterdir():
                    if _TEMPORARY_STORE_FILE.fullmatch(item.name):
                        item.unlink()
                _write_json(self.root / STORE_FILE, _STORE_RECORD)
        except BaseException:
            self.lock.__exit__()
            raise
        return self.root

    def __exit__(self, *exc) -> bool:
        return self.lock.__exit__(*exc)


def _not_a_store(root: Path) -> StoreError:
    return StoreError(f"{root}: exists and is not a rollstats store: give a new or empty folder")


def read_parts(root: Path, subjects: pd.Series | None = None) -> pd.DataFrame:
    """The rows of the store's committed parts (of ``subjects`` only, when given: their buckets
    alone are opened), canonical dtypes, in no particular order.

    >>> import tempfile
    >>> len(read_parts(Path(tempfile.mkdtemp())))
    0
    """
    buckets = None if subjects is None else set(bucket_of(subjects, _buckets_of(root)))
    parts = [p for p in committed_parts(root) if buckets is None or bucket_of_part(p) in buckets]
    if not parts:
        return empty_segments()
    table = ds.dataset([str(p) for p in parts], format="parquet", schema=_arrow_schema())
    if subjects is not None:
        table = table.to_table(filter=ds.field("subject_id").isin(subjects.tolist()))
    else:
        table = table.to_table()
    return table.to_pandas().astype(SEGMENT_DTYPES)[list(SEGMENT_DTYPES)]


def stored_rows(root: Path, subjects) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored rows of ``subjects`` (parts oldest first) and where each lies (columns
    ``part``, ``position``: the part file and the row's 0-based place in it).

    >>> import tempfile
    >>> rows, where = stored_rows(Path(tempfile.mkdtemp()), ["A"])
    >>> len(rows), list(where.columns)
    (0, ['part', 'position'])
    """
    wanted = pd.Series(sorted(set(map(str, subjects))), dtype="string")
    where = pd.DataFrame({"part": pd.Series(dtype=object), "position": pd.Series(dtype="int64")})
    if not len(wanted):
        return empty_segments(), where
    buckets = set(bucket_of(wanted, _buckets_of(root))) if is_store(root) else set()
    frames, places = [], []
    for part in (p for p in committed_parts(root) if bucket_of_part(p) in buckets):
        table = pq.read_table(part, schema=_arrow_schema())
        ids = table.column("subject_id")
        hit = pc.is_in(ids, value_set=pa.array(wanted.tolist(), type=ids.type)).to_numpy(zero_copy_only=False)
        positions = np.flatnonzero(hit)
        if len(positions):
            frames.append(table.take(positions).to_pandas())
            places.append(pd.DataFrame({"part": part, "position": positions}))
    if not frames:
        return empty_segments(), where
    stored = pd.concat(frames, ignore_index=True).astype(SEGMENT_DTYPES)[list(SEGMENT_DTYPES)]
    return stored, pd.concat(places, ignore_index=True)


def write_parts(root: Path, segments: pd.DataFrame, replaced: pd.DataFrame | None = None,
                listed: list[dict] | None = None) -> None:
    """Write ``segments`` as one part per bucket under temporary names, rename them, then commit.

    ``replaced``: stored rows to drop (columns ``part``, ``position``: a part file and the row's
    0-based position in it); each such part is written anew without them, within the same
    commit, whose record says it ``removes`` the old part. ``listed``: the replaced rows as
    the commit record names them.
    """
    txn = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
    frames, removes = [segments], []
    for part, rows in (replaced.groupby("part", sort=False) if replaced is not None else ()):
        whole = pq.read_table(part, schema=_arrow_schema()).to_pandas().astype(SEGMENT_DTYPES)
        frames.append(whole.drop(index=rows["position"].to_numpy()))
        removes.append(Path(part))
    rows_all = pd.concat(frames, ignore_index=True) if len(frames) > 1 else segments
    buckets = bucket_of(rows_all["subject_id"], _buckets_of(root))
    written: list[tuple[Path, Path]] = []
    for bucket, rows in rows_all.groupby(buckets.to_numpy(), sort=True):
        folder = root / f"{PARTITION}={bucket:02d}"
        folder.mkdir(exist_ok=True)
        rows = rows.sort_values(["subject_id", "start"], kind="stable")
        table = pa.Table.from_pandas(rows[list(SEGMENT_DTYPES)].astype(SEGMENT_DTYPES),
                                     schema=_arrow_schema(), preserve_index=False)
        temporary = folder / f".tmp-{txn}.parquet"
        pq.write_table(table, temporary, row_group_size=64 * 1024)
        written.append((temporary, folder / f"part-{txn}.parquet"))
    for temporary, final in written:
        _fsync(temporary)
        os.replace(temporary, final)
    (root / "_commits").mkdir(exist_ok=True)
    _write_json(root / "_commits" / f"{txn}.json", {
        "txn": txn, "rows": len(segments), "rewritten": len(rows_all) - len(segments),
        "parts": [str(f.relative_to(root)) for _, f in written],
        "sources": sorted(segments["source"].astype(str).unique().tolist()),
        "removes": [str(p.relative_to(root)) for p in removes], "replaced": listed or []})


def clean_leftovers(root: Path) -> None:
    """Remove what a failed append left (temporary files, parts that no commit lists) and the
    parts a later commit removed."""
    committed = {p.resolve() for p in committed_parts(root)}
    for folder in root.glob(f"{PARTITION}=*"):
        for item in folder.iterdir():
            if item.name.startswith(".tmp-") or (item.suffix == ".parquet" and item.resolve() not in committed):
                item.unlink()
    for item in [*(root / "_commits").glob(".tmp-*"), *root.glob(".tmp-*")]:
        item.unlink()


def _write_json(path: Path, data: dict) -> None:
    temporary = path.with_name(f".tmp-{uuid.uuid4().hex}-{path.name}")
    temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
    _fsync(temporary)
    os.replace(temporary, path)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


_SCHEMA: pa.Schema | None = None


def _arrow_schema() -> pa.Schema:
    """One Arrow schema for every part, so that parts of all appends read as one table."""
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = pa.Schema.from_pandas(empty_segments(), preserve_index=False)
    return _SCHEMA
