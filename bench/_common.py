"""Shared helpers for the benchmarks: fetch an sdist into bench/data/ and unpack it."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
RESULTS = BENCH / "results"
VENV_BIN = Path(sys.executable).parent


def fetch_sdist(requirement: str) -> Path:
    """Download `name==version`'s source distribution with pip and unpack it once;
    returns the unpacked project directory."""
    name, version = requirement.split("==")
    DATA.mkdir(parents=True, exist_ok=True)
    existing = [p for p in DATA.iterdir() if p.is_dir() and p.name.lower() == f"{name}-{version}".lower()]
    if existing:
        return existing[0]
    archives = _archives(name, version)
    if not archives:
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
        subprocess.run(
            [*pip, "--ignore-requires-python", requirement, "-d", str(DATA)],
            check=True,
        )
        archives = _archives(name, version)
    with tarfile.open(archives[0]) as archive:
        archive.extractall(DATA, filter="data")  # "data": no absolute paths, links or devices
    return next(p for p in DATA.iterdir() if p.is_dir() and p.name.lower() == f"{name}-{version}".lower())


def _archives(name: str, version: str) -> list[Path]:
    wanted = f"{name}-{version}.tar.gz".lower()
    return [p for p in DATA.glob("*.tar.gz") if p.name.lower() == wanted]


class TreeRss:
    """Samples the summed RSS of a process and all its descendants (via /proc) in a
    background thread; `peak_bytes` is the highest sum seen. Workers of a pool are
    separate processes, so one process's ru_maxrss would under-report the engine.
    With `pss=True` it also sums PSS (`peak_pss_bytes`): forked processes share their
    parent's pages, which summed RSS counts once per process and PSS splits between them."""

    def __init__(self, pid: int, interval: float = 0.05, pss: bool = False) -> None:
        import threading

        self.pid = pid
        self.interval = interval
        self.pss = pss
        self.peak_bytes = 0
        self.peak_pss_bytes = 0
        # Each process's RSS (MiB) at the summed peak, by a short name: where the peak is.
        self.peak_breakdown: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import os

        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.is_set():
            pids = _tree(self.pid)
            sizes = [(pid, _rss_pages(pid) * page) for pid in pids]
            total = sum(size for _, size in sizes)
            if total > self.peak_bytes:
                self.peak_bytes = total
                self.peak_breakdown = [(_short_name(pid), round(size / 2**20)) for pid, size in sizes]
            if self.pss:
                self.peak_pss_bytes = max(self.peak_pss_bytes, sum(_pss_bytes(p) for p in pids))
            self._stop.wait(self.interval)


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _short_name(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return f"{pid} ?"
    words = [a.decode(errors="replace").rsplit("/", 1)[-1] for a in argv if a][:4]
    return f"{pid} " + " ".join(words)[:60]


def _rss_pages(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _pss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def timed_run(argv: list[str], **kwargs: object) -> tuple[float, float, int, int]:
    """Run `argv`; returns (wall s, CPU s of its process tree, peak summed RSS bytes, exit code).

    CPU time (user + system of the process and every descendant it waited for) does not
    depend on what else the shared machine is doing; wall time does."""
    import resource
    import time

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(argv, **kwargs)  # type: ignore[call-overload]
    with TreeRss(process.pid) as sampler:
        code = process.wait()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, sampler.peak_bytes, code
