"""The shell every explore page shares: one self-contained HTML file, data embedded as JSON.

No external resources (no CDN, no fonts, no images): the page opens from file:// offline.
The data sits in a <script type="application/json"> element, escaped so that no string
in it (a learner's error message included) can close the element or inject markup.
"""

from __future__ import annotations

import html
import json
from typing import Any

VIOLET = "#7c3aed"

CSS = """
:root { --violet: #7c3aed; --ink: #1f2937; --dim: #6b7280; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       max-width: 1000px; margin: 0 auto; padding: 24px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 0 0 6px; }
h3 { font-size: 15px; margin: 14px 0 4px; }
section { border-top: 3px solid var(--violet); padding: 14px 0 22px; margin-top: 18px; }
.tag { color: var(--violet); font-weight: 700; letter-spacing: .04em; font-size: 13px; }
.note, .explain { color: var(--dim); } .explain { max-width: 78ch; }
.banner { background: #f5f3ff; border-left: 4px solid var(--violet); padding: 8px 12px; }
.picker { display: flex; flex-wrap: wrap; gap: 4px; margin: 8px 0; align-items: center; }
.picker .label { width: 7em; color: var(--dim); font-size: 13px; }
button { font: 14px ui-monospace, monospace; min-width: 30px; padding: 3px 7px;
         border: 1px solid #c4b5fd; background: #fff; border-radius: 5px; cursor: pointer; }
button[aria-pressed="true"] { background: var(--violet); color: #fff; border-color: var(--violet); }
ul.problems { margin: 8px 0; padding: 0; list-style: none; }
ul.problems li { padding: 6px 10px; margin: 4px 0; border-radius: 5px; }
li.fail { background: #fef2f2; border-left: 4px solid #dc2626; }
li.differ { background: #fffbeb; border-left: 4px solid #d97706; }
.fallback { color: #b45309; font-size: 13px; }
.words { font: 15px ui-monospace, monospace; display: flex; flex-wrap: wrap; gap: 4px 14px;
         padding: 0; list-style: none; margin: 4px 0; }
.words li { word-break: break-all; background: #f9fafb; padding: 1px 6px; border-radius: 4px; }
.cols { display: flex; gap: 24px; flex-wrap: wrap; } .cols > div { flex: 1; min-width: 280px; }
#greedyAfter { font: 14px ui-monospace, monospace; word-break: break-all; }
.big { font: 600 22px ui-monospace, monospace; color: var(--violet); }
ol.rules { columns: 2; font-size: 14px; padding-left: 28px; }
svg text { font: 11px ui-monospace, monospace; fill: var(--ink); }
table#lens { border-collapse: collapse; font: 13px ui-monospace, monospace; }
#lens th, #lens td { padding: 3px 6px; border: 1px solid #fff; text-align: center; }
code { background: #f3f4f6; padding: 0 4px; border-radius: 3px; }
"""

COMMON_JS = """
const D = JSON.parse(document.getElementById('data').textContent);
const SVGNS = 'http://www.w3.org/2000/svg';
function make(ns, tag, attrs, kids) {
  const n = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') n.textContent = v; else n.setAttribute(k, v);
  }
  for (const kid of kids || []) n.append(kid);
  return n;
}
const h = (tag, attrs, kids) => make(null, tag, attrs, kids);
const s = (tag, attrs, kids) => make(SVGNS, tag, attrs, kids);
function fill(id, ...kids) { document.getElementById(id).replaceChildren(...kids); }
function picker(id, items, onPick, label) {
  const box = document.getElementById(id);
  const group = box.dataset.group || id;
  if (label) box.append(h('span', {class: 'label', text: label}));
  for (const [value, text] of items) {
    const b = h('button', {'data-pick': value, 'data-group': group, 'aria-pressed': 'false',
                           text: text});
    b.addEventListener('click', () => {
      document.querySelectorAll(`button[data-group="${group}"]`)
        .forEach(o => o.setAttribute('aria-pressed', 'false'));
      b.setAttribute('aria-pressed', 'true');
      onPick(value);
    });
    box.append(b);
  }
}
function press(group, value) {
  const b = document.querySelector(`[data-group="${group}"][data-pick="${CSS.escape(value)}"]`);
  if (b) b.click();
}
function problems(id, part) {
  const items = (part.problems || []).map(t => h('li', {class: 'fail', text: t}))
    .concat((part.differs || []).map(t => h('li', {class: 'differ', text: t})));
  fill(id, ...items);
}
function fallback(flag, what) {
  return flag ? h('span', {class: 'fallback', text: ` (reference shown: your ${what} failed)`})
              : '';
}
function words(list) { return h('ul', {class: 'words'}, list.map(w =>
  h('li', {class: 'word', 'data-word': w, text: w === '' ? '(empty)' : w}))); }
"""


def embed(data: Any) -> str:
    """`data` as JSON safe inside a <script> element (no '<', '>' or '&' left raw)."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page(title: str, body: str, data: Any, script: str) -> str:
    """The whole HTML document: CSS, the body's markup, the data, the shared and page JS."""
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style></head>\n<body>\n{body}\n"
            f"<script id=\"data\" type=\"application/json\">{embed(data)}</script>\n"
            f"<script>\n'use strict';\n{COMMON_JS}\n{script}\n</script>\n</body></html>\n")


def source_banner(data: dict) -> str:
    """Markup saying whose functions the page shows (escaped: the path is the user's)."""
    if data["source"] is None:
        return ("<p class=\"banner\" id=\"source\">Showing the <b>reference answers</b>. Run "
                "<code>mindlab explore YOUR_FILE</code> to see what your own functions "
                "produce.</p>")
    text = (f"<p class=\"banner\" id=\"source\">Showing what <b>your functions</b> in "
            f"<code>{html.escape(data['source'])}</code> produce, each run in the grader's "
            "isolated worker (while one of your functions runs, the others are the "
            "reference's, so each is seen on its own).</p>")
    if data.get("load"):
        text += f"<ul class=\"problems\"><li class=\"fail\">{html.escape(data['load'])}</li></ul>"
    return text
