"""Lab 01's explore page: the markup and the small script that draws it from the data."""

from __future__ import annotations

import html

from .html import page, source_banner

BODY = """
<h1>mindlab explore · lab 01 <i>Reverse-engineer a mind</i></h1>
{banner}
<p class="note" id="trained">model auto-trained on load: {note}</p>

<section id="tool01"><span class="tag">TOOL 01 · READ ITS MIND</span>
<h2>Pick a letter: what does the model believe comes next?</h2>
<p class="explain">A <b>belief</b> is one row of W pushed through softmax: 27 probabilities,
one per next token, that add up to 1. The violet bars are what the model believes; the black
ticks are what the names actually do (that row of the counts over its sum). The
<b>belief gap</b> is half the sum of their differences: 0 when the model believes exactly
what the data does, 1 when they never agree.</p>
<ul class="problems" id="p01"></ul>
<div class="picker" id="letters"></div>
<svg id="bars" width="960" height="250" role="img" aria-label="belief bars"></svg>
<p id="reading"></p>
</section>

<section id="tool02"><span class="tag">TOOL 02 · INTERVENE</span>
<h2>Pick a lesion: cut part of the matrix and watch the words change</h2>
<p class="explain">A lesion sets logits to −∞ (the dark cells): after softmax those
transitions get probability exactly 0, so the model can never take them. Cut the
<code>'.'</code> column and no row can end a word: every sampled word runs on until
<code>max_len</code> stops it. A <b>row</b> lesion here leaves its letter one way on, ending
the word; a <b>weight</b> lesion cuts one row's strongest transition. Words are drawn with
<code>sample_word(W, default_rng({seed}), max_len={max_len})</code>, the same seed before and
after, so every difference is the lesion's doing.</p>
<ul class="problems" id="p02"></ul>
<div class="picker" id="cols" data-group="lesion"></div>
<div class="picker" id="rows" data-group="lesion"></div>
<div class="picker" id="cells" data-group="lesion"></div>
<div class="cols"><div><svg id="matrix" width="440" height="470" role="img"
 aria-label="the matrix W with the lesion"></svg></div>
<div><h3>before (W as trained) <span id="beforeT"></span></h3><div id="before"></div>
<div class="picker" id="temps"></div>
<h3 id="afterTitle">after</h3><div id="after"></div>
<h3>greedy word after the lesion</h3><div id="greedyAfter"></div></div></div>
</section>

<section id="tool03"><span class="tag">TOOL 03 · EXTRACT THE ALGORITHM</span>
<h2>The rulebook, and the one word the model writes when it never gambles</h2>
<p class="explain">Each row's single most likely next token is one rule; here are all 27,
most confident first. The <b>greedy word</b> always takes the most likely next token, so
there is no chance in it: it is the same every time, <b>forever</b>. (And if the greedy path
never reaches '.', it would literally go on forever: <code>max_len</code> is what stops
it. Cut the '.' column above and look at the greedy word there.)</p>
<ul class="problems" id="p03"></ul>
<h3>the greedy word <span id="greedyFb"></span></h3>
<p><span class="big" id="greedy"></span> <span id="greedyCalls" class="note"></span></p>
<p id="steps" class="note"></p>
<h3>the rulebook <span id="rulesFb"></span></h3>
<ol class="rules" id="rules"></ol>
</section>
"""

SCRIPT = r"""
const T = D.tokens, N = 27, VIOLET = '#7c3aed';
const label = t => t === '.' ? "'.'" : t;
function drawBars(letter) {
  const e = D.tool01.letters[letter];
  const W = 960, H = 250, top = 10, base = 215, bw = (W - 40) / N;
  const max = Math.max(...e.belief, ...e.data, 1e-9);
  const y = v => base - (base - top) * v / max;
  const kids = [s('line', {x1: 36, x2: W, y1: base, y2: base, stroke: '#9ca3af'})];
  T.split('').forEach((t, j) => {
    const x = 40 + j * bw;
    kids.push(s('rect', {class: 'bar', x: x + 3, width: bw - 6, y: y(e.belief[j]),
      height: base - y(e.belief[j]), fill: VIOLET, 'data-token': t,
      'data-belief': e.belief[j]}, [s('title', {text: `${label(t)}: belief ` +
      `${e.belief[j].toFixed(3)}, data ${e.data[j].toFixed(3)}`})]));
    kids.push(s('line', {class: 'tick', x1: x + 1, x2: x + bw - 1, y1: y(e.data[j]),
      y2: y(e.data[j]), stroke: '#000', 'stroke-width': 3, 'data-token': t,
      'data-data': e.data[j]}));
    kids.push(s('text', {x: x + bw / 2, y: base + 16, 'text-anchor': 'middle', text: t}));
  });
  kids.push(s('text', {x: 0, y: top + 8, text: max.toFixed(2)}));
  kids.push(s('text', {x: 0, y: base, text: '0'}));
  fill('bars', ...kids);
  const order = [...e.belief.keys()].sort((a, b) => e.belief[b] - e.belief[a]).slice(0, 3);
  const after = letter === '.' ? 'At the start of a word' : `After ${letter}`;
  fill('reading', h('span', {text: `${after} the model believes ` + order.map(j =>
    `${label(T[j])} ${(100 * e.belief[j]).toFixed(1)}% (data ${(100 * e.data[j]).toFixed(1)}%)`)
    .join(', ') + '. '}), h('b', {id: 'gap', 'data-gap': e.gap,
    text: `belief_gap = ${e.gap.toFixed(3)}`}),
    fallback(e.belief_fallback, 'read_row'), fallback(e.data_fallback, 'data_row'),
    fallback(e.gap_fallback, 'belief_gap'));
}
function rowProbs(row) {
  const m = Math.max(...row.filter(v => v !== null));
  const e = row.map(v => v === null ? 0 : Math.exp(v - m)), z = e.reduce((a, b) => a + b, 0);
  return e.map(v => v / z);
}
const P = D.W.map(rowProbs);
function cellColor(p) {
  const t = Math.sqrt(p), mix = (a, b) => Math.round(a + (b - a) * t);
  return `rgb(${mix(250, 76)},${mix(248, 29)},${mix(255, 149)})`;
}
function drawMatrix(les) {
  const c = 15, off = 24, kids = [];
  const dark = new Set(les.dark), changed = new Set(les.changed);
  T.split('').forEach((t, i) => {
    kids.push(s('text', {x: off + i * c + c / 2, y: 14, 'text-anchor': 'middle', text: t}));
    kids.push(s('text', {x: 8, y: off + i * c + 11, 'text-anchor': 'middle', text: t}));
    for (let j = 0; j < N; j++) {
      const k = i * N + j;
      const attrs = {x: off + j * c, y: off + i * c, width: c, height: c,
        fill: dark.has(k) ? '#111' : cellColor(P[i][j])};
      if (dark.has(k)) attrs.class = 'dark';
      if (changed.has(k)) Object.assign(attrs, {stroke: '#ea580c', 'stroke-width': 2});
      kids.push(s('rect', attrs, [s('title', {text: `${label(t)} → ${label(T[j])}: ` +
        (dark.has(k) ? '−∞ (cut)' : `logit ${D.W[i][j]}, belief ${P[i][j].toFixed(3)}`)})]));
    }
  });
  kids.push(s('text', {x: off, y: off + N * c + 16, text: 'row: this token · column: ' +
    'the next · darker violet: likelier'}));
  kids.push(s('text', {x: off, y: off + N * c + 30, text: 'black: cut (−∞) · orange ' +
    'outline: changed, not cut'}));
  fill('matrix', ...kids);
}
function showLesion(id) {
  const les = D.tool02.lesions.find(l => l.id === id);
  drawMatrix(les);
  fill('afterTitle', h('span', {text: `after cutting ${les.label}`}),
    fallback(les.fallback, 'ablate_column'));
  fill('after', words(les.after), les.after_fallback ? fallback(true, 'sample_word') : '',
    h('p', {class: 'note', id: 'afterNote', text: lesionNote(les)}));
  fill('greedyAfter', h('span', {class: 'word', id: 'greedyAfterWord', text: les.greedy}),
    fallback(les.greedy_fallback, 'greedy_decode'));
}
function lesionNote(les) {
  const full = les.after.filter(w => w.length === D.max_len).length;
  return `${full} of ${les.after.length} words reached max_len=${D.max_len}` +
    (full === les.after.length ? ': nothing can end them.' : '.');
}
function showTemp(t) {
  fill('before', words(D.tool02.before[t]), fallback(D.tool02.before_fallback, 'sample_word'));
  fill('beforeT', h('span', {class: 'note', text: `temperature ${t}`}));
}
function drawRules() {
  const r = D.tool03;
  fill('rules', ...r.rules.map(([a, b, p, text]) => h('li', {'data-after': a,
    'data-next': b, 'data-p': p, text: text})));
  fill('rulesFb', fallback(r.rules_fallback, 'rank_rules'));
  fill('greedy', h('span', {id: 'greedyWord', text: `'${r.greedy}'`}));
  fill('greedyFb', fallback(r.greedy_fallback, 'greedy_decode'));
  if (r.greedy_calls.length) fill('greedyCalls', h('span', {text: `greedy_decode(W) called ` +
    `${r.greedy_calls.length} times: ` + r.greedy_calls.map(w => `'${w}'`).join(', ')}));
  fill('steps', h('span', {text: 'its path: ' + r.steps.map(([a, b, p]) =>
    `${label(a)} → ${label(b)} (${(100 * p).toFixed(0)}%)`).join(', ')}));
}
problems('p01', D.tool01); problems('p02', D.tool02); problems('p03', D.tool03);
picker('letters', T.split('').map(t => [t, t]), drawBars, 'letter');
const les = D.tool02.lesions;
picker('cols', les.filter(l => l.kind === 'column').map(l => [l.id, T[l.j]]), showLesion,
  'column');
picker('rows', les.filter(l => l.kind === 'row').map(l => [l.id, T[l.i]]), showLesion, 'row');
picker('cells', les.filter(l => l.kind === 'weight').map(l => [l.id,
  `${T[l.i]}${T[l.j]}`]), showLesion, 'top weight');
picker('temps', Object.keys(D.tool02.before).map(t => [t, `T=${t}`]), showTemp,
  'temperature');
drawRules();
press('letters', D.initial); press('lesion', 'col0'); press('temps', '1.0');
"""


def render(data: dict) -> str:
    """The whole lab 01 page for data from lab01 build_data."""
    body = BODY.format(banner=source_banner(data), note=html.escape(data["note"]),
                       seed=data["seed"], max_len=data["max_len"])
    return page("mindlab explore · lab 01", body, data, SCRIPT)
