"""How the benchmark measures: child processes timed with their CPU and peak RSS, figures over repeats."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# One repeat's figures: {step: {figure: value}}, e.g. {"load": {"seconds": 15.2, "peak_rss_mib": 830.0}}.
Figures = dict[str, dict[str, float]]


class BenchError(RuntimeError):
    pass


@dataclass(frozen=True)
class Timed:
    """One child process: wall-clock from start to exit, user + system CPU, peak RSS, its output."""

    seconds: float
    cpu_seconds: float
    peak_rss_mib: float
    stdout: str
    stderr: str

    def figures(self) -> dict[str, float]:
        return {"seconds": self.seconds, "cpu_seconds": self.cpu_seconds, "peak_rss_mib": self.peak_rss_mib}


def run_timed(cmd: list[str], env: dict[str, str]) -> Timed:
    """Runs `cmd` in the repository; raises BenchError with its output's tail if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=err)
        # wait4 gives the resource usage of this one child (and what it waited for), not of all children.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        timed = Timed(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                      out.read().decode(errors="replace"), err.read().decode(errors="replace"))
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise BenchError(f"{' '.join(cmd)} exited {code}:\n{timed.stdout[-3000:]}\n{timed.stderr[-3000:]}")
    return timed


@dataclass
class Repeats:
    """Every figure of every step, one value per repeat, with the load average at each repeat's start."""

    values: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    load_averages: list[float] = field(default_factory=list)

    def add(self, figures: Figures) -> None:
        for step, named in figures.items():
            for name, value in named.items():
                self.values.setdefault(step, {}).setdefault(name, []).append(value)

    def summary(self) -> dict[str, dict[str, dict[str, Any]]]:
        """{step: {figure: {"all", "median", "best", "worst"}}}: best is the lowest (times, memory)."""
        return {step: {name: {"all": [round(v, 3) for v in values], "median": round(statistics.median(values), 3),
                              "best": round(min(values), 3), "worst": round(max(values), 3)}
                       for name, values in named.items()}
                for step, named in self.values.items()}


def repeat(count: int, one_repeat: Callable[[], Figures]) -> Repeats:
    """Runs `one_repeat` `count` times and keeps what each measured."""
    repeats = Repeats()
    for number in range(1, count + 1):
        print(f"  repeat {number}/{count} (load average {os.getloadavg()[0]:.2f})", file=sys.stderr)
        repeats.load_averages.append(round(os.getloadavg()[0], 2))
        repeats.add(one_repeat())
    return repeats


def machine() -> dict[str, Any]:
    """The machine and the versions that the figures depend on."""
    cpu_model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), platform.processor())
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
    packages = ("chdb", "chdb-core", "dbt-core", "dbt-clickhouse", "clickhouse-connect", "networkx")
    return {"cpu_model": cpu_model, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 2**20, 1),
            "os": platform.platform(), "python": platform.python_version(),
            "versions": {name: metadata.version(name) for name in packages}}


def git_commit() -> str:
    done = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip()
