"""The writer's lock of a cohort store: ``STORE/_lock``, held by one append at a time.

The lock is an advisory ``flock`` on the file ``_lock``: the operating system releases it when
its process ends, however it ends (an exception, Ctrl+C, ``kill -9``, a crash), so a writer
that died never blocks the next one. The file also names its holder (process id, host, the
process's start and when it took the lock) for the message a second writer gets.

Where ``flock`` is not available (no ``fcntl``, or a file system that refuses it), the file
itself is the lock (created exclusively); a lock left by a process that is gone is taken over:
same host and no such process, or a process of that id that started at another time (its id
was reused), or the host has been restarted since. A lock of another host is never taken
over: its process cannot be seen from here.
"""
from __future__ import annotations

import datetime as dt
import errno
import json
import os
import socket
from pathlib import Path

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from .errors import RollstatsError

LOCK_FILE = "_lock"


class StoreError(RollstatsError):
    """A folder is not a cohort store, or another ingest is writing to it."""


def process_start(pid: int) -> str | None:
    """When process ``pid`` started, as ``<boot id>:<clock ticks since boot>`` (Linux), else None.

    Two processes that had the same id at different times differ here.

    >>> process_start(os.getpid()) == process_start(os.getpid())
    True
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces: count after its end
    fields = stat[stat.rindex(")") + 2:].split()
    return f"{boot}:{fields[19]}"  # field 22 of the line: the start time


def holder() -> dict:
    """This process as a lock holder: pid, host, process start, and the time the lock is taken.

    >>> holder()["pid"] == os.getpid()
    True
    """
    return {"pid": os.getpid(), "host": socket.gethostname(), "started": process_start(os.getpid()),
            "since": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}


def is_gone(who: dict) -> bool:
    """Whether the process a lock names has surely ended (False when it cannot be told).

    >>> is_gone(holder())
    False
    """
    if who.get("host") != socket.gethostname() or not isinstance(who.get("pid"), int):
        return False
    if os.name != "posix":  # os.kill(pid, 0) is a probe on POSIX only (on Windows it sends Ctrl+C)
        return False
    pid = who["pid"]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, of another user
        pass
    except OSError:
        return False
    started = who.get("started")
    now = process_start(pid)
    return started is not None and now is not None and started != now


def describe(who: dict | None) -> str:
    """A lock holder in words.

    >>> describe({"pid": 4711, "host": "lab-2", "since": "2026-03-03T21:00:00+00:00"})
    'process 4711 on host lab-2 since 2026-03-03T21:00:00+00:00'
    """
    if not who:
        return "a process that did not name itself"
    return f"process {who.get('pid')} on host {who.get('host')} since {who.get('since')}"


class StoreLock:
    """``with StoreLock(root):`` holds ``root/_lock`` or raises :class:`StoreError` naming its holder.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> with StoreLock(root):
    ...     json.loads((root / LOCK_FILE).read_text())["pid"] == os.getpid()
    True
    >>> (root / LOCK_FILE).exists()
    False
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.path = self.root / LOCK_FILE
        self.fd: int | None = None

    def __enter__(self) -> "StoreLock":
        fd = self._flock() if fcntl is not None else None
        if fd is None:
            fd = self._exclusive()
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(holder()).encode("utf-8"))
        self.fd = fd
        return self

    def __exit__(self, *exc) -> bool:
        if self.fd is not None:
            self.path.unlink(missing_ok=True)  # still locked: no other writer holds this file now
            os.close(self.fd)
            self.fd = None
        return False

    def _busy(self, who: dict | None) -> StoreError:
        return StoreError(f"{self.root}: another ingest is writing to this store ({describe(who)}); "
                          "try again when it has finished")

    def _flock(self) -> int | None:
        """The locked descriptor of ``_lock``; None where the file system has no ``flock``."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                who = _read(fd)
                os.close(fd)
                raise self._busy(who) from None
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                    return None
                raise
            try:  # the holder that just left removed the file: lock the one there now
                if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                    return fd
            except FileNotFoundError:
                pass
            os.close(fd)

    def _exclusive(self) -> int:
        """Create ``_lock`` exclusively, taking over a lock whose process is gone."""
        for _ in range(3):
            try:
                return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                try:
                    who = json.loads(self.path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    who = None
                if not isinstance(who, dict) or not is_gone(who):
                    raise self._busy(who if isinstance(who, dict) else None) from None
                self.path.unlink(missing_ok=True)
        raise self._busy(None)


def _read(fd: int) -> dict | None:
    try:
        who = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
    except (OSError, ValueError):
        return None
    return who if isinstance(who, dict) else None
