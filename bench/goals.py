"""The project's speed and quality goals, each measured one way, with its verdict."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

GIB_MIB = 1024.0
END_TO_END_EVENTS = 5_000_000  # the size the end-to-end goal is stated at
GRAPH_TRANSFERS = 1_000_000  # the size the money-flow goal is stated at


@dataclass(frozen=True)
class Verdict:
    """One line of the summary: the goal, its target, the figure measured, PASS / MISS / NOT CHECKED."""

    goal: str
    target: str
    measured: str
    status: str

    def as_json(self) -> dict[str, str]:
        return asdict(self)


def _status(met: bool, checked: bool = True) -> str:
    return "NOT CHECKED" if not checked else "PASS" if met else "MISS"


def verdicts(steps: dict[str, Any], events: int, requested_events: int,
             graph: dict[str, Any] | None) -> list[Verdict]:
    """The goals from the repeats' figures (`steps`: runner.Repeats.summary()) on a stream of `events`
    events (`requested_events` asked for), and from bench_graph's figures (None: not run)."""
    def median(step: str, figure: str = "seconds") -> float:
        return float(steps[step][figure]["median"])

    load_rate = events / median("load")
    floor_rate, parse_rate = events / median("engine_floor"), events / median("engine_parse_only")
    rss = float(steps["load"]["peak_rss_mib"]["worst"])
    models = median("balance_transfers", "models_seconds")
    ratio = median("baseline") / median("end_to_end")
    increment, full = median("increment", "span_seconds"), median("full_build", "span_seconds")
    nothing_new = median("increment", "nothing_new_span_seconds")
    return [
        Verdict("load: NDJSON -> raw tables", ">= 1,000,000 events/s",
                f"{load_rate:,.0f} events/s (engine floor {floor_rate:,.0f}, nothing written {parse_rate:,.0f})",
                _status(load_rate >= 1_000_000)),
        Verdict("load: peak RSS of the loader", "< 1 GiB", f"{rss:,.0f} MiB", _status(rss < GIB_MIB)),
        Verdict("balance_transfers: raw events through its models", ">= 1,000,000 events/s",
                f"{events / models:,.0f} events/s ({models:.2f} s)", _status(events / models >= 1_000_000)),
        Verdict("end-to-end: file -> balance_transfers against the baseline", f">= 5x at {END_TO_END_EVENTS:,} events",
                f"{ratio:.2f}x ({median('end_to_end'):.1f} s against {median('baseline'):.1f} s)",
                _status(ratio >= 5, requested_events >= END_TO_END_EVENTS)),
        Verdict("incremental: +1% blocks as `follow` runs them, against the full build", "<= 10%",
                f"{100 * increment / full:.1f}% ({increment:.2f} s against {full:.2f} s;"
                f" a run with nothing new {nothing_new:.2f} s)",
                _status(increment / full <= 0.10)),
        *_graph_verdicts(graph),
    ]


def _graph_verdicts(graph: dict[str, Any] | None) -> list[Verdict]:
    refresh, refresh_target = "money-flow graph: full refresh", f"< 60 s at {GRAPH_TRANSFERS:,} transfers"
    quality, quality_target = "money-flow graph: modularity against networkx's Louvain", ">= 0.9x"
    if graph is None:
        return [Verdict(refresh, refresh_target, "not run", "NOT CHECKED"),
                Verdict(quality, quality_target, "not run", "NOT CHECKED")]
    time = Verdict(refresh, refresh_target, f"{graph['wall_seconds']:.1f} s ({graph['transfers']:,} transfers)",
                   _status(graph["wall_seconds"] < 60, graph["transfers"] >= GRAPH_TRANSFERS))
    modularity = graph.get("modularity")
    if modularity is None:
        return [time, Verdict(quality, quality_target, "not run", "NOT CHECKED")]
    return [time, Verdict(quality, quality_target, f"{modularity['ratio']:.3f}x (ours {modularity['ours']:.4f}, "
                                                   f"Louvain {modularity['louvain']:.4f})",
                          _status(modularity["ratio"] >= 0.9))]
