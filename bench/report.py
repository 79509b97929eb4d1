"""The benchmark's output: a table on the terminal, results.json, summary.md, chart.png, docs' copy."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

# Each step as the tables name it, in the order it runs.
STEP_LABELS = {
    "load": "load: substrate-loader load",
    "engine_floor": "engine floor: bench/load_floor.py",
    "engine_parse_only": "engine floor, nothing written",
    "full_build": "full build: dbt build, tests apart",
    "balance_transfers": "dbt run --select +balance_transfers --full-refresh",
    "end_to_end": "end-to-end: the load + that dbt run",
    "increment": "+1%: in-process run as follow runs it",
    "baseline": "BASELINE: bench/baseline.py",
}
# Steps whose input is the whole base file: their rate in raw events per second is shown.
RATED = ("load", "engine_floor", "engine_parse_only", "full_build", "balance_transfers", "end_to_end", "baseline")
DOCS_START, DOCS_END = "<!-- bench/results/summary.md -->", "<!-- end of bench/results/summary.md -->"


def write(results: dict[str, Any], folder: Path) -> list[Path]:
    """results.json, summary.md and chart.png in `folder`; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "results.json", folder / "summary.md", folder / "chart.png"]
    paths[0].write_text(json.dumps(results, indent=2) + "\n")
    paths[1].write_text(summary_markdown(results))
    draw_chart(results, paths[2])
    return paths


def header(results: dict[str, Any]) -> str:
    """Where, when and how the figures were measured, in one paragraph."""
    m, s, settings = results["machine"], results["stream"], results["settings"]
    repeats = "/".join(f"{value:.1f}" for value in results["load_averages"])
    return (f"Measured {results['generated_at']} (commit {results['git_commit']}) on {m['cores']} cores "
            f"{m['cpu_model']}, {m['memory_gib']} GiB; Python {m['python']}, chDB {m['versions']['chdb']}, "
            f"dbt-core {m['versions']['dbt-core']}, dbt-clickhouse {m['versions']['dbt-clickhouse']}. "
            f"Input: {s['events']:,} synthetic {settings['network']} events ({s['blocks']:,} blocks, "
            f"{s['bytes'] / 1e6:,.0f} MB NDJSON), medians of {settings['repeat']} repeat(s). Load average "
            f"{results['load_average_before']:.1f} before, {repeats} at each repeat's "
            f"start, {results['load_average_after']:.1f} after (the machine is shared). "
            f"Command: `{results['command']}`.")


def goals_table(goals: list[dict[str, str]]) -> str:
    lines = ["| goal | target | measured | result |", "| --- | --- | --- | --- |"]
    lines += [f"| {g['goal']} | {g['target']} | {g['measured']} | **{g['status']}** |" for g in goals]
    return "\n".join(lines)


def agreement_line(agreement: dict[str, Any]) -> str:
    ours = agreement["ours"]
    verdict = "equal" if agreement["equal"] else f"NOT equal (baseline: {agreement['baseline']})"
    return (f"Baseline agreement: our Balances.Transfer rows of the file and the baseline's are {verdict}: "
            f"{ours['rows']:,} rows, amounts {ours['amount']}, fees {ours['fee']}.")


def summary_markdown(results: dict[str, Any]) -> str:
    """summary.md: the header, one line per goal, the baseline agreement."""
    return "\n\n".join([header(results), goals_table(results["goals"]), agreement_line(results["agreement"]),
                        "How each line is measured: docs/performance.md."]) + "\n"


def update_docs(doc: Path, summary: str) -> None:
    """Replaces the copy of summary.md between the markers in `doc`, so the docs show the last run."""
    text = doc.read_text()
    block = re.compile(re.escape(DOCS_START) + r".*?" + re.escape(DOCS_END), re.DOTALL)
    if not block.search(text):
        raise ValueError(f"{doc}: no {DOCS_START} ... {DOCS_END} block to update")
    doc.write_text(block.sub(lambda _: f"{DOCS_START}\n{summary}{DOCS_END}", text))


def docs_copy(doc: Path) -> str:
    """The copy of summary.md that `doc` holds between the markers."""
    text = doc.read_text()
    return text[text.index(DOCS_START) + len(DOCS_START) + 1:text.index(DOCS_END)]


def print_report(results: dict[str, Any]) -> None:
    """Every step's figures, then the goals, on the terminal."""
    steps, events = results["steps"], results["stream"]["events"]
    print("\n" + header(results))
    print(f"\n  {'step':52s} {'median s':>8s} {'best s':>7s} {'models s':>8s} {'CPU s':>7s} {'events/s':>10s} "
          f"{'peak RSS':>9s}")
    for step, label in STEP_LABELS.items():
        figures = steps[step]
        models = figures.get("models_seconds") or figures.get("span_seconds")
        cpu, rss, seconds = figures.get("cpu_seconds"), figures.get("peak_rss_mib"), figures["seconds"]
        rate = f"{events / seconds['median']:,.0f}" if step in RATED else ""
        memory = f"{rss['worst']:,.0f} MiB" if rss else ""
        print(f"  {label:52s} {seconds['median']:8.2f} {seconds['best']:7.2f} {_seconds(models):>8s} "
              f"{_seconds(cpu):>7s} {rate:>10s} {memory:>9s}")
    print("  (models s: the models' execution time for +balance_transfers; from the first model's start to the "
          "last one's end for the full build and the +1% run)")
    for step, label in (("full_build_models", "full build"), ("increment_models", "+1% run")):
        slowest = sorted(steps[step].items(), key=lambda item: -item[1]["median"])[:8]
        print(f"  slowest models of the {label}: " + ", ".join(f"{name} {s['median']:.2f} s" for name, s in slowest))
    print("\n" + agreement_line(results["agreement"]))
    print("\ngoals:")
    for goal in results["goals"]:
        print(f"  {goal['status']:11s} {goal['goal']}: {goal['measured']} (target {goal['target']})")


def _seconds(stat: dict[str, float] | None) -> str:
    return f"{stat['median']:.2f}" if stat else ""


def draw_chart(results: dict[str, Any], out: Path) -> None:
    """Raw events per second of each whole-file step against the 1,000,000 events/s goals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps, events = results["steps"], results["stream"]["events"]
    rates = {"load": events / steps["load"]["seconds"]["median"],
             "engine floor": events / steps["engine_floor"]["seconds"]["median"],
             "engine floor, nothing written": events / steps["engine_parse_only"]["seconds"]["median"],
             "balance_transfers models": events / steps["balance_transfers"]["models_seconds"]["median"],
             "end-to-end: file -> balance_transfers": events / steps["end_to_end"]["seconds"]["median"],
             "BASELINE: file -> transfers (Python loop)": events / steps["baseline"]["seconds"]["median"]}
    names, values = list(rates)[::-1], list(rates.values())[::-1]  # barh draws from the bottom up
    colors = ["#9e9e9e" if name.startswith("BASELINE") else "#c7c7c7" if "floor" in name else "C0" for name in names]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    bars = ax.barh(names, values, color=colors)
    ax.bar_label(bars, labels=[f"{rate / 1e3:,.0f}k" for rate in values], fontsize=8, padding=3)
    ax.axvline(1_000_000, color="black", linestyle="--", linewidth=0.8)
    ax.text(1_000_000, len(rates) - 0.6, "goal: 1M events/s (load, balance_transfers) ", fontsize=8, ha="right")
    ax.xaxis.set_major_formatter(lambda value, _: f"{value / 1e3:,.0f}k")
    ax.set_xlabel("raw events per second (median)")
    ax.set_xlim(0, max(1_200_000, max(rates.values()) * 1.15))
    m = results["machine"]
    ax.set_title(f"substrate-flows, {events:,} synthetic {results['settings']['network']} events; {m['cores']} cores "
                 f"{m['cpu_model']}, {results['generated_at']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)

