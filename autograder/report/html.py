"""The class report: one self-contained HTML page about a graded batch.

Opens in any browser with no network: the pictures are inline SVG, the style is
inline CSS, there is no script. What an instructor looks for, in order:

- the score histogram and per-tool averages (how did the class do?),
- every check's pass rate, worst first, with its most common feedback (what to re-teach),
- the errors (whose submission could not be graded, and why),
- the slowest submissions, and every student's row linking to their feedback.

>>> html = render_html(records, manifest)      # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from typing import Any
from urllib.parse import quote

BAR = "#4c72b0"
BAD = "#c44e52"
GOOD = "#55a868"


def svg_histogram(scores: list[float], max_score: float, bins: int = 10,
                  width: int = 480, height: int = 220) -> str:
    """Bars of how many students scored in each tenth of max_score (SVG)."""
    counts = [0] * bins
    for s in scores:
        b = min(bins - 1, int(bins * s / max_score)) if max_score > 0 else 0
        counts[max(0, b)] += 1
    top = max(counts + [1])
    left, bottom, plot_h = 36, 34, height - 50
    bar_w = (width - left - 10) / bins
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="score histogram" class="chart">']
    for k in range(0, top + 1, max(1, top // 4)):  # horizontal grid with counts
        y = height - bottom - plot_h * k / top
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd"/><text x="{left - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end" font-size="11">{k}</text>')
    for i, c in enumerate(counts):
        h = plot_h * c / top
        x = left + i * bar_w
        lo, hi = max_score * i / bins, max_score * (i + 1) / bins
        parts.append(f'<rect x="{x + 2:.1f}" y="{height - bottom - h:.1f}" width="{bar_w - 4:.1f}"'
                     f' height="{h:.1f}" fill="{BAR}"><title>{c} students scored '
                     f'{lo:g}-{hi:g}</title></rect>')
        if c:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom - h - 4:.1f}" '
                         f'text-anchor="middle" font-size="11">{c}</text>')
    for i in range(0, bins + 1, 2):
        x = left + i * bar_w
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                     f'font-size="11">{max_score * i / bins:g}</text>')
    parts.append(f'<text x="{(width + left) / 2:.0f}" y="{height - 4}" text-anchor="middle" '
                 f'font-size="12">score (out of {max_score:g})</text></svg>')
    return "".join(parts)


def svg_tool_bars(tools: list[tuple[str, float]], width: int = 480) -> str:
    """Horizontal bars: each tool's class average as a fraction of its points (SVG)."""
    row, label_w = 30, 190
    height = row * len(tools) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="per-tool averages" class="chart">']
    span = width - label_w - 60
    for i, (label, frac) in enumerate(tools):
        y = 5 + i * row
        color = GOOD if frac >= 0.8 else BAR if frac >= 0.5 else BAD
        parts.append(f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-size="12">'
                     f'{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{span}" height="20" fill="#eee"/>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{span * frac:.1f}" height="20" '
                     f'fill="{color}"/><text x="{label_w + span + 6}" y="{y + 18}" '
                     f'font-size="12">{100 * frac:.0f}%</text>')
    parts.append("</svg>")
    return "".join(parts)


def check_stats(records: list[dict]) -> list[dict]:
    """Per check: how many passed, its pass rate and most common failure; worst first."""
    stats: dict[tuple[str, str], dict] = {}
    for r in graded(records):
        for tool in r["report"]["tools"]:
            for t in tool["tests"]:
                key = (tool["id"], t.get("id") or t["name"])
                s = stats.setdefault(key, {"tool": tool["id"], "name": t["name"],
                                           "function": t.get("function", ""), "passed": 0,
                                           "total": 0, "failures": Counter()})
                s["total"] += 1
                s["passed"] += bool(t["passed"])
                if not t["passed"]:
                    s["failures"][t["feedback"]] += 1
    rows = list(stats.values())
    for s in rows:
        s["rate"] = s["passed"] / s["total"]
    return sorted(rows, key=lambda s: (s["rate"], s["tool"]))


def graded(records: list[dict]) -> list[dict]:
    return [r for r in records if r["status"] == "graded" and r.get("report")]


def pct_bar(frac: float) -> str:
    color = GOOD if frac >= 0.8 else BAR if frac >= 0.5 else BAD
    return (f'<span class="bar"><span style="width:{100 * frac:.0f}%;background:{color}">'
            f'</span></span> {100 * frac:.0f}%')


def table(header: list[str], rows: list[list[str]], empty: str) -> str:
    """An HTML table; cells are already-escaped HTML."""
    if not rows:
        return f'<p class="muted">{escape(empty)}</p>'
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(records: list[dict], manifest: dict[str, Any],
                links: dict[str, str] | None = None) -> str:
    """The whole report page as one string.

    `links` maps a student to their feedback file relative to the page (the gradebook
    gives the safe file names it wrote); by default 'feedback/<student>.txt'. Every text
    on the page is HTML-escaped and every link URL-encoded: a student named
    '<script>' or '../x' is shown as such and links where it should.
    """
    def link(r: dict) -> str:
        return student_link(r, (links or {}).get(r["student"]))

    done = graded(records)
    scores = [r["report"]["score"] for r in done]
    max_score = max((r["report"]["max_score"] for r in done), default=0.0)
    mean = sum(scores) / len(scores) if scores else 0.0
    median = sorted(scores)[len(scores) // 2] if scores else 0.0
    errors = [r for r in records if r["status"] != "graded"]

    tool_totals: dict[str, list[float]] = {}
    titles: dict[str, str] = {}
    for r in done:
        for t in r["report"]["tools"]:
            titles[t["id"]] = t["title"]
            acc = tool_totals.setdefault(t["id"], [0.0, 0.0])
            acc[0] += t["score"]
            acc[1] += t["max_score"]
    tools = [(f"{tid} {titles[tid]}", acc[0] / acc[1] if acc[1] else 0.0)
             for tid, acc in tool_totals.items()]

    checks = check_stats(records)
    check_rows = [[shown(s["tool"]), shown(s["function"]), shown(s["name"]),
                   f'{s["passed"]}/{s["total"]}', pct_bar(s["rate"]),
                   shown(s["failures"].most_common(1)[0][0][:240]) if s["failures"] else ""]
                  for s in checks]
    slow = sorted(done, key=lambda r: -float(r.get("seconds") or 0))[:10]
    slow_rows = [[link(r), f'{float(r.get("seconds") or 0):.2f} s'] for r in slow]
    error_rows = [[link(r), shown(r.get("reason") or "")] for r in errors]
    tool_ids = list(tool_totals)
    student_rows = []
    for r in records:
        rep = r.get("report") or {}
        by_tool = {t["id"]: t for t in rep.get("tools", [])}
        ok = r["status"] == "graded"
        student_rows.append(
            [link(r), f'{rep.get("score", 0):g} / {rep.get("max_score", 0):g}' if ok
             else "", *[f'{by_tool[t]["score"]:g}' if ok and t in by_tool else ""
                        for t in tool_ids],
             shown(r["status"]), shown((r.get("reason") or "")[:160])])

    warnings = "".join(f'<p class="warn">{shown(w)}</p>' for w in manifest.get("warnings", []))
    if not manifest.get("complete", True):
        warnings += ('<p class="warn">This batch was interrupted: rerun the same command to '
                     'grade the rest.</p>')
    counts = (f'{len(records)} students: {len(done)} graded, {len(errors)} '
              f'error{"" if len(errors) == 1 else "s"}. '
              f'Mean {mean:.1f}, median {median:g} out of {max_score:g}.')
    suites = manifest.get("suites_sha256") or manifest.get("suite_hash") or ""
    prov = escape(f'lab {manifest.get("lab")} · suite {manifest.get("suite")} '
                  f'{suites[:12]} · isolation '
                  f'{", ".join(manifest.get("isolation") or []) or "-"} · '
                  f'{manifest.get("ended", "")}')
    return PAGE.format(
        title=escape(f'mindlab class report: {manifest.get("lab")}'),
        counts=escape(counts), prov=prov, warnings=warnings,
        histogram=svg_histogram(scores, max_score) if done else '<p class="muted">No grades.</p>',
        tools=svg_tool_bars(tools) if tools else "",
        checks=table(["tool", "function", "check", "passed", "pass rate",
                      "most common feedback"], check_rows, "No checks ran."),
        errors=table(["student", "reason"], error_rows, "No errors."),
        slow=table(["student", "seconds"], slow_rows, "Nothing graded."),
        students=table(["student", "score", *map(escape, tool_ids), "status", "reason"],
                       student_rows,
                       "No students."))


def student_link(record: dict, href: str | None = None) -> str:
    """The student's name linking to their feedback: escaped text, URL-encoded link.

    >>> student_link({"student": '<b>"x"'})
    '<a href="feedback/%3Cb%3E%22x%22.txt">&lt;b&gt;&quot;x&quot;</a>'
    """
    href = href or f'feedback/{record["student"]}.txt'
    url = "/".join(quote(part, safe="") for part in href.split("/"))
    return f'<a href="{escape(url, quote=True)}">{shown(record["student"])}</a>'


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    r"""Text as HTML: escaped, and control characters (NUL, escapes, bidi) made visible.

    >>> print(shown("<b>\x00"))
    &lt;b&gt;\x00
    """
    return escape(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                               else f"\\u{ord(m.group()):04x}", text))


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px;
       padding: 0 1em; color: #222; }}
h1 {{ margin-bottom: 0.2em; }} h2 {{ margin-top: 1.6em; border-bottom: 1px solid #ddd; }}
.muted, .prov {{ color: #777; }} .prov {{ font-size: 0.85em; }}
.warn {{ background: #fff3cd; padding: 0.5em 0.8em; border-left: 4px solid #e0a800; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 2em; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.9em; }}
th, td {{ text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee;
         vertical-align: top; }}
th {{ background: #f6f6f6; }}
.bar {{ display: inline-block; width: 90px; height: 10px; background: #eee;
        vertical-align: middle; }}
.bar span {{ display: block; height: 100%; }}
</style></head>
<body>
<h1>{title}</h1>
<p>{counts}</p>
<p class="prov">{prov}</p>
{warnings}
<div class="charts">
<figure><figcaption>Scores</figcaption>{histogram}</figure>
<figure><figcaption>Average per tool</figcaption>{tools}</figure>
</div>
<h2>What to re-teach: every check's pass rate, worst first</h2>
{checks}
<h2>Errors</h2>
{errors}
<h2>Slowest submissions</h2>
{slow}
<h2>Students</h2>
{students}
</body></html>
"""
