"""The fuzz harness: how many files to make, where they are loaded, what each load must show.

Every generated file is a :class:`Generated` (its bytes, its name, the options to load it with
and what the generator knows about it). :func:`run_batch` writes a batch of them, loads each
with ``rollstats.io.load`` in a small pool of worker processes (``canonicalise`` costs tens of
milliseconds of pandas work per file whatever its size, so the CI budget needs both cores) and
judges each outcome in the test process, so that hypothesis sees the failure, shrinks it and
prints the falsifying file.

A load must end in one of two ways:

- it returns, and ``rows read = accepted + duplicates dropped + refused``, the tables agree with
  the report, every refused row has its file, row (>= 1), column and reason, every accepted row
  its file and row, no row is both, and ``rollstats.validate_segments`` passes; where the
  generator knows how many records the file holds, that is the number read (nothing dropped
  silently);
- or it raises :class:`rollstats.errors.RollstatsError` with one line that names the file.

Anything else (another exception, a worker that dies or hangs) is a failure.
"""
from __future__ import annotations

import concurrent.futures as cf
import math
import multiprocessing
import os
import shutil
import time
import traceback
import warnings
from collections import Counter, defaultdict
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

#: Files generated over all fuzz tests together by a plain ``python3 -m pytest``: a quick look
#: (about a tenth of CI's run). ``.ci/run`` sets ``ROLLSTATS_FUZZ_EXAMPLES`` to the full budget.
DEFAULT_FILES = 1_000
#: Share of the files per format family (XLSX and Parquet are slow to write: weighted lower).
WEIGHTS: dict[str, float] = {
    "csv": 0.32, "json": 0.18, "parquet": 0.09, "xlsx": 0.06, "apple": 0.13, "zip": 0.13, "same": 0.09,
}
#: Files per hypothesis example, per family (a batch keeps both worker processes busy).
BATCH: dict[str, int] = {"csv": 8, "json": 8, "parquet": 6, "xlsx": 4, "apple": 8, "zip": 6, "same": 4}
#: A load that takes longer than this (s) is a failure (a hang, or a blow-up).
LOAD_TIMEOUT_S = 120.0


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value else None


class Budget:
    """How many files the fuzz tests make; set from ``--fuzz-examples`` or the environment."""

    total: int = _env_int("ROLLSTATS_FUZZ_EXAMPLES") or DEFAULT_FILES
    workers: int = (_env_int("ROLLSTATS_FUZZ_WORKERS") if _env_int("ROLLSTATS_FUZZ_WORKERS") is not None
                    else min(2, os.cpu_count() or 1))

    @classmethod
    def examples(cls, family: str) -> int:
        """Hypothesis examples for ``family``: its share of the files, in batches."""
        return max(1, math.ceil(cls.total * WEIGHTS[family] / BATCH[family]))


def fuzz_settings(family: str) -> settings:
    """The hypothesis settings of one family's fuzz test (read when the test module is imported).

    ``ROLLSTATS_FUZZ_SHRINK=0`` reports a failure as found, without shrinking it first.
    """
    phases = list(Phase)
    if os.environ.get("ROLLSTATS_FUZZ_SHRINK", "").strip() == "0":
        phases.remove(Phase.shrink)
    return settings(
        max_examples=Budget.examples(family),
        phases=phases,
        deadline=None,
        derandomize=False,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.large_base_example, HealthCheck.filter_too_much],
    )


@dataclass(frozen=True)
class Generated:
    """One generated file and what its generator knows about it.

    ``expect``: ``"load"`` (a well-formed file with the needed columns: it must load),
    ``"error"`` (it must be refused as a whole), ``"either"``. ``expected_rows``: the records
    it holds, where known (then ``rows_read`` must be exactly that); ``expected_passed``: the
    ingest report's ``passed_over`` where known; ``expected_total``: for Loop exports, rows
    read plus the days passed over; ``max_row``: the highest ``source_row`` a row may have.
    ``options`` go to ``load`` (``tz``, ``subject``, ``habit``).
    """

    family: str
    variant: str
    name: str
    data: bytes = field(repr=False)
    options: dict = field(default_factory=dict)
    expect: str = "either"
    expected_rows: int | None = None
    expected_passed: dict | None = None
    expected_total: int | None = None
    max_row: int | None = None
    metrics: bool = False

    def __repr__(self) -> str:  # the falsifying example hypothesis prints: show the bytes too
        shown = self.data if len(self.data) <= 4000 else self.data[:4000] + b"...(cut)"
        return (f"Generated(family={self.family!r}, variant={self.variant!r}, name={self.name!r}, "
                f"options={self.options!r}, expect={self.expect!r}, expected_rows={self.expected_rows!r}, "
                f"expected_passed={self.expected_passed!r}, expected_total={self.expected_total!r}, "
                f"max_row={self.max_row!r}, "
                f"metrics={self.metrics!r}, {len(self.data)} bytes:\n{shown!r})")


# --- the worker side ----------------------------------------------------------------------------

def _warm() -> None:
    """Worker initialiser: import rollstats (and pandas, pyarrow, openpyxl) once."""
    import openpyxl  # noqa: F401
    import rollstats  # noqa: F401
    warnings.simplefilter("ignore")


def check_file(path: str | list[str], options: dict, metrics: bool) -> dict:
    """Load one file (or several at once) and report what happened, as plain values (runs in a
    worker process)."""
    import rollstats
    from rollstats.errors import RollstatsError

    began, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = rollstats.io.load(path, **options)
        except RollstatsError as exc:
            return {"outcome": "error", "type": type(exc).__name__, "message": str(exc),
                    "seconds": time.perf_counter() - began, "warnings": _warning_names(caught)}
        except BaseException:  # noqa: BLE001 - any other exception is what the fuzzer hunts
            return {"outcome": "crash", "traceback": traceback.format_exc(),
                    "seconds": time.perf_counter() - began, "warnings": _warning_names(caught)}
        seconds = time.perf_counter() - began
        out = _inspect(result, [path] if isinstance(path, str) else list(path))
        if metrics:
            for fn in (rollstats.summarize, rollstats.nights):
                try:
                    fn(result.segments)
                except BaseException:  # noqa: BLE001
                    out["problems"].append(f"rollstats.{fn.__name__}(segments) raised:\n{traceback.format_exc()}")
        out["cpu"] = time.process_time() - cpu
    out.update(outcome="loaded", seconds=seconds, warnings=_warning_names(caught))
    return out


def _warning_names(caught) -> list[str]:
    return sorted({f"{w.category.__name__}: {str(w.message).splitlines()[0][:80] if str(w.message) else ''}"
                   for w in caught})


def _inspect(result, paths: list[str]) -> dict:
    """The row identity and the row-level checks of one successful load of ``paths`` (on plain
    lists: the tables are small, and pandas costs more per call than these checks)."""
    import rollstats

    segments, rejects, report = result
    problems: list[str] = []
    read, accepted = report.rows_read, report.rows_accepted
    dups, refused = report.duplicates_dropped, report.rows_rejected
    if read != accepted + dups + refused:
        problems.append(f"rows read {read} != accepted {accepted} + duplicates {dups} + refused {refused}")
    if len(segments) != accepted:
        problems.append(f"{len(segments)} segments but the report says {accepted} accepted")
    if len(rejects) != refused:
        problems.append(f"{len(rejects)} rejects but the report says {refused} refused")
    files = report.files.to_dict("records")
    if [str(f["source"]) for f in files] != paths:
        problems.append(f"report.files does not list the files read: {files}")
    for f in files:
        counts = [f["rows_read"], f["rows_accepted"], f["duplicates_dropped"], f["rows_rejected"]]
        if counts[0] != sum(counts[1:]) or min(counts) < 0:
            problems.append(f"the identity fails for a file: {f}")

    keys: dict[str, set] = {}
    for name, table, needed in (("reject", rejects, ("column", "reason")), ("segment", segments, ())):
        sources = table["source"].tolist()
        rows = table["source_row"].tolist()
        if any(not isinstance(src, str) or src not in paths for src in sources):
            problems.append(f"{name} rows with a source other than the files read: {sources[:3]}")
        if any(not isinstance(r, int) or r < 1 for r in rows):  # (int64 columns give Python ints)
            problems.append(f"{name} rows without a source_row >= 1: {rows[:5]}")
        keys[name] = set(zip(sources, rows))
        if len(keys[name]) != len(rows):
            problems.append(f"{name} rows that share a file and row: {rows}")
        for col in needed:
            cells = table[col].tolist()
            if any(not isinstance(c, str) or not c.strip() for c in cells):
                problems.append(f"rejects without a {col}: {list(zip(cells, rows))[:5]}")
        column = "rows_rejected" if name == "reject" else "rows_accepted"
        for f in files:
            n = sum(1 for src in sources if src == str(f["source"]))
            if n != f[column]:
                problems.append(f"{f['source']}: {n} {name} rows but the report says {f[column]}")
    both = keys["reject"] & keys["segment"]
    if both:
        problems.append(f"rows both accepted and refused: {sorted(both)[:5]}")
    # rows a later file corrects are refused rows with the reason "superseded by <file> row <n>",
    # counted per file in the report's ``superseded`` (a part of ``rows_rejected``)
    later = [(src, why) for src, why in zip(rejects["source"].tolist(), rejects["reason"].tolist())
             if isinstance(why, str) and why.startswith("superseded by ")]
    for f in files:
        n = sum(1 for src, _ in later if src == str(f["source"]))
        if n != f.get("superseded", 0) or n > f["rows_rejected"]:
            problems.append(f"{f['source']}: {n} rows superseded by a later file in the rejects, but the report "
                            f"says {f.get('superseded', 0)} of {f['rows_rejected']} refused")
    if any(not any(why.startswith(f"superseded by {p} row ") for p in paths) for _, why in later):
        problems.append(f"rows superseded by a file not read: {[why for _, why in later][:3]}")
    try:
        if len(segments):  # (an empty table is the schema's own empty_segments)
            rollstats.validate_segments(segments)
    except BaseException as exc:  # noqa: BLE001
        problems.append(f"validate_segments failed: {type(exc).__name__}: {exc}")
    accepted_rows = sorted(int(r) for _, r in keys["segment"])
    refused_rows = sorted((int(r), str(c)) for r, c in zip(rejects["source_row"].tolist(), rejects["column"].tolist()))
    source_rows = accepted_rows + [r for r, _ in refused_rows]
    return {"rows_read": read, "accepted": accepted, "duplicates": dups, "refused": refused,
            "passed_over": dict(report.passed_over), "max_row": max(source_rows, default=0),
            "accepted_rows": accepted_rows, "refused_rows": refused_rows, "problems": problems}


# --- the test side ------------------------------------------------------------------------------

class Fuzz:
    """What the fuzz tests share in a session: a folder, the worker pool and the tallies."""

    def __init__(self, root: Path, workers: int):
        self.root = root
        self.workers = workers
        self._pool: cf.ProcessPoolExecutor | None = None
        self._n = 0
        self.files: Counter[str] = Counter()  # family -> files checked
        self.outcomes: dict[str, Counter[str]] = defaultdict(Counter)  # family -> outcome -> files
        self.variants: dict[str, Counter[str]] = defaultdict(Counter)  # family -> variant -> files
        self.seconds: Counter[str] = Counter()  # family -> seconds spent in load
        self.cpu: Counter[str] = Counter()  # family -> CPU seconds of load and checks in the workers
        self.making: Counter[str] = Counter()  # family -> CPU seconds the test process spent making files
        self.slowest: dict[str, float] = defaultdict(float)
        self.warnings: Counter[str] = Counter()
        self.combined = 0  # loads of several files at once (not counted as files)
        self.began = time.perf_counter()
        self.cpu_began = time.process_time()

    # the pool -------------------------------------------------------------------------------
    def _executor(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(max_workers=self.workers, initializer=_warm,
                                                mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def submit(self, path: Path, spec: Generated) -> cf.Future:
        if self.workers <= 0:
            future: cf.Future = cf.Future()
            future.set_result(check_file(str(path), spec.options, spec.metrics))
            return future
        return self._executor().submit(check_file, str(path), spec.options, spec.metrics)

    def submit_many(self, paths: list[str], spec: Generated) -> cf.Future:
        """One load of several files (their options: ``spec``'s)."""
        if self.workers <= 0:
            future: cf.Future = cf.Future()
            future.set_result(check_file(paths, spec.options, False))
            return future
        return self._executor().submit(check_file, paths, spec.options, False)

    def _reset_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):  # only the workers we started
            if process.is_alive():
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def result(self, future: cf.Future, path: Path) -> dict:
        try:
            return future.result(timeout=LOAD_TIMEOUT_S)
        except cf.TimeoutError:
            self._reset_pool()
            return {"outcome": "crash", "traceback": f"load({path.name!r}) took more than {LOAD_TIMEOUT_S:g} s",
                    "seconds": LOAD_TIMEOUT_S, "warnings": []}
        except BrokenProcessPool as exc:
            self._reset_pool()
            return {"outcome": "crash", "traceback": f"the worker process died loading {path.name!r} ({exc})",
                    "seconds": 0.0, "warnings": []}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    # files ----------------------------------------------------------------------------------
    def write(self, spec: Generated) -> Path:
        self._n += 1
        folder = self.root / f"{spec.family}-{self._n}"
        folder.mkdir(parents=True)
        path = folder / spec.name
        path.write_bytes(spec.data)
        return path

    def record(self, spec: Generated, outcome: dict, failed: bool) -> None:
        family = spec.family
        self.files[family] += 1
        self.outcomes[family]["failed" if failed else outcome["outcome"]] += 1
        self.variants[family][spec.variant] += 1
        self.seconds[family] += outcome.get("seconds", 0.0)
        self.cpu[family] += outcome.get("cpu", outcome.get("seconds", 0.0))
        self.slowest[family] = max(self.slowest[family], outcome.get("seconds", 0.0))
        for w in outcome.get("warnings", []):
            self.warnings[w] += 1

    def summary_lines(self) -> list[str]:
        if not self.files:
            return []
        lines = [f"{'family':<9}{'files':>7}{'loaded':>8}{'refused':>8}{'failed':>7}"
                 + f"{'load s':>9}{'cpu s':>8}{'make s':>8}{'max s':>7}  variants"]
        for family in sorted(self.files, key=lambda f: -self.files[f]):
            o = self.outcomes[family]
            variants = ", ".join(f"{k} {v}" for k, v in self.variants[family].most_common())
            lines.append(f"{family:<9}{self.files[family]:>7}{o['loaded']:>8}{o['error']:>8}"
                         f"{o['failed'] + o['crash']:>7}{self.seconds[family]:>9.1f}{self.cpu[family]:>8.1f}"
                         f"{self.making[family]:>8.1f}{self.slowest[family]:>7.2f}  {variants}")
        total = sum(self.files.values())
        lines.append(f"{'total':<9}{total:>7}   in {time.perf_counter() - self.began:.0f} s wall clock "
                     f"({time.process_time() - self.cpu_began:.0f} s CPU in the test process, "
                     f"{sum(self.cpu.values()):.0f} s in {self.workers or 'no'} worker process(es)); "
                     f"budget {Budget.total} files (--fuzz-examples / ROLLSTATS_FUZZ_EXAMPLES)")
        if self.combined:
            lines.append(f"and {self.combined} loads of one table's formats together (cross-file duplicates)")
        if self.warnings:
            lines.append("warnings raised inside load (not failures): " + "; ".join(
                f"{k} x{v}" for k, v in self.warnings.most_common(8)))
        return lines


def judge(spec: Generated, path: Path, outcome: dict) -> list[str]:
    """What is wrong with one outcome (empty when all is well)."""
    problems: list[str] = []
    kind = outcome["outcome"]
    if kind == "crash":
        return [f"load raised an exception that is not a RollstatsError:\n{outcome['traceback']}"]
    if kind == "error":
        message = outcome["message"]
        if path.name not in message:
            problems.append(f"the error does not name the file {path.name!r}: {message!r}")
        if "\n" in message.strip() or not message.strip():
            problems.append(f"the error is not one line: {message!r}")
        if spec.expect == "load":
            problems.append(f"a well-formed file was refused: {outcome['type']}: {message}")
        return problems
    problems += outcome["problems"]
    if spec.expect == "error":
        problems.append(f"a file that must be refused loaded: {outcome['rows_read']} rows read")
    if spec.expected_rows is not None and outcome["rows_read"] != spec.expected_rows:
        problems.append(f"the file holds {spec.expected_rows} records but {outcome['rows_read']} "
                        "were read (a record dropped or invented)")
    if spec.max_row is not None and outcome["max_row"] > spec.max_row:
        problems.append(f"a source_row {outcome['max_row']} past the last record ({spec.max_row})")
    if spec.expected_passed is not None and outcome["passed_over"] != spec.expected_passed:
        problems.append(f"passed over {outcome['passed_over']}, expected {spec.expected_passed}")
    if spec.expected_total is not None:
        days = outcome["rows_read"] + sum(v for k, v in outcome["passed_over"].items() if k.startswith("loop days"))
        if days != spec.expected_total:
            problems.append(f"the habit has {spec.expected_total} days but {outcome['rows_read']} were read "
                            f"and {days - outcome['rows_read']} passed over ({outcome['passed_over']})")
    return problems


def run_batch(fuzz: Fuzz, data, strategy, size: int) -> None:
    """Draw ``size`` files from ``strategy``, load each (in the pool) and assert on every one."""
    pending = []
    for i in range(size):
        began = time.process_time()
        spec = data.draw(strategy, label=f"file {i + 1}")
        path = fuzz.write(spec)
        fuzz.making[spec.family] += time.process_time() - began
        pending.append((i, spec, path, fuzz.submit(path, spec)))
    failures = []
    for i, spec, path, future in pending:
        outcome = fuzz.result(future, path)
        problems = judge(spec, path, outcome)
        fuzz.record(spec, outcome, bool(problems))
        if problems:
            failures.append(f"file {i + 1} ({spec.family}/{spec.variant}, {spec.name!r}, "
                            f"options {spec.options}):\n  " + "\n  ".join(problems))
        shutil.rmtree(path.parent, ignore_errors=True)
    assert not failures, "\n\n".join(failures)


def run_same(fuzz: Fuzz, data, strategy) -> None:
    """One table in several formats (``strategy`` draws their list): each file must pass
    :func:`judge`, and the loads must agree: all refused, or the same counts, the same rows
    accepted and the same rows refused on the same columns. Where they load, the files are
    then loaded together: every row of one file is an exact duplicate of a row of the first."""
    began = time.process_time()
    specs = data.draw(strategy, label="one table, several formats")
    pending = []
    for spec in specs:
        path = fuzz.write(spec)
        pending.append((spec, path, fuzz.submit(path, spec)))
    fuzz.making[specs[0].family] += time.process_time() - began
    failures, seen = [], {}
    for spec, path, future in pending:
        outcome = fuzz.result(future, path)
        problems = judge(spec, path, outcome)
        fuzz.record(spec, outcome, bool(problems))
        if problems:
            failures.append(f"{spec.name!r}:\n  " + "\n  ".join(problems))
        if outcome["outcome"] == "loaded":
            seen[spec.variant] = {k: outcome[k] for k in ("rows_read", "accepted", "duplicates", "refused",
                                                           "accepted_rows", "refused_rows", "passed_over")}
        else:
            seen[spec.variant] = outcome.get("message", outcome["outcome"])
    kinds = {fmt: isinstance(v, dict) for fmt, v in seen.items()}
    if len(set(kinds.values())) > 1 or (all(kinds.values()) and len({repr(v) for v in seen.values()}) > 1):
        failures.append("the formats disagree on the same table:\n  " + "\n  ".join(
            f"{fmt}: {v}" for fmt, v in seen.items()))
    elif all(kinds.values()) and len(seen) > 1:
        one = next(iter(seen.values()))
        paths = [str(path) for _, path, _ in pending]
        combined = fuzz.result(fuzz.submit_many(paths, specs[0]), pending[0][1])
        fuzz.combined += 1
        k = len(paths)
        want = {"rows_read": k * one["rows_read"], "accepted": one["accepted"], "refused": k * one["refused"],
                "duplicates": k * (one["accepted"] + one["duplicates"]) - one["accepted"]}
        if combined["outcome"] != "loaded":
            failures.append(f"the {k} files load one by one but not together: {combined}")
        else:
            got = {key: combined[key] for key in want}
            if got != want or combined["problems"]:
                failures.append(f"the {k} files loaded together: {got}, expected {want}; "
                                + "; ".join(combined["problems"]))
    for _, path, _ in pending:
        shutil.rmtree(path.parent, ignore_errors=True)
    assert not failures, "\n\n".join(failures)
