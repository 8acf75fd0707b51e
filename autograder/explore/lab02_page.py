"""Lab 02's explore page: the markup and the small script that draws it from the data."""

from __future__ import annotations

from .html import page, source_banner

BODY = """
<h1>mindlab explore · lab 02 <i>Scaling the idea up</i></h1>
{banner}

<section id="dirSection"><span class="tag">TOOL 04 · FEATURES ARE DIRECTIONS</span>
<h2>Every letter on one line: how vowel-like is what the model expects after it?</h2>
<p class="explain">Row i of lab 01's trained W is what the model expects after token i: 27
numbers, a vector. The <b>vowel direction</b> is the mean row of <code>a e o</code> minus the
mean row of 14 consonants (<code>mean_difference_direction</code>); each dot is one token's
row <b>projected</b> on it (<code>project</code>), and the dashed line is the midpoint between
the two classes' mean scores. <b>Hollow, bold</b> letters are held out: the direction never
saw them, so if they land on their own side it found something real rather than memorising
its examples. Grey: <code>q</code> (nearly always followed by <code>u</code>), <code>y</code>
(vowel and consonant) and <code>'.'</code>, left out on purpose.</p>
<ul class="problems" id="p04"></ul>
<svg id="strip" width="960" height="180" role="img" aria-label="projections on the vowel
 direction"></svg>
<p id="heldOut"></p>
<p id="hover" class="note">Hover a letter to read its projection; click one to compare its
row below.</p>
<h3>pick two letters: do their rows point alike? (<code>cosine_similarity</code>)</h3>
<style>#cosA button, #cosB button {{ min-width: 26px; padding: 2px 4px; }}</style>
<div class="picker" id="cosA"></div>
<div class="picker" id="cosB"></div>
<div id="cosInfo"></div>
</section>

<section id="lensSection"><span class="tag">TOOL 05 · THE RESIDUAL STREAM</span>
<h2>Pick a name: read the prediction layer by layer with the logit lens</h2>
<p class="explain">Each block of the residual model only <b>adds</b> to the stream, so every
partial stream lives in the same space as the last one and the unembedding can read it:
that is the <b>logit lens</b>. Each cell is the lens's top guess at that layer and its
probability; the shade is the probability it gives the true next letter (darker: more
sure of the right answer). At the last layer the lens <i>is</i> the model's output.</p>
<ul class="problems" id="p05"></ul>
<div class="picker" id="names"></div>
<table id="lens"></table>
<p id="losses" class="note"></p>
</section>

<section id="attnSection"><span class="tag">TOOL 06 · INDUCTION HEADS</span>
<h2>Pick a head: where does each position look?</h2>
<p class="explain">The sequence is BOS, {half} random tokens, then the same {half} again. Row
i of a pattern is where query i looks (darker: more attention). A <b>previous-token</b> head
is the diagonal just below the main one; an <b>induction head</b> is the stripe {half} − 1
to the left of it in the repeated half: "my token came before; attend to what followed it
then". The outlined cells are that stripe.</p>
<ul class="problems" id="p06"></ul>
<div class="picker" id="heads"></div>
<div class="cols"><div><svg id="pattern" width="440" height="440" role="img"
 aria-label="attention pattern"></svg></div><div id="headInfo"></div></div>
</section>

<section id="supSection"><span class="tag">TOOL 07 · SUPERPOSITION</span>
<h2>Pick a sparsity: 5 features squeezed into 2 dimensions</h2>
<p class="explain">Each arrow is one feature's direction in the toy model's 2-d hidden space
(feature 0 matters most). Dense features: the model keeps the two most important, at right
angles, and drops the rest. Sparse features (rarely on together): it packs all five in, a
pentagon, and lives with a little interference. <b>Dimensionality</b> says how much of a
dimension each feature owns: 1 alone on an axis, 0.4 each in the pentagon.</p>
<ul class="problems" id="p07"></ul>
<div class="picker" id="sparsities"></div>
<div class="cols"><div><svg id="arrows" width="320" height="320" role="img"
 aria-label="feature directions"></svg></div><div id="supInfo"></div></div>
<h3>a sparse autoencoder finds the five features again, with no labels</h3>
<div class="cols"><div><svg id="sae" width="320" height="320" role="img"
 aria-label="SAE latents against the true features"></svg></div><div id="saeInfo"></div></div>
</section>
"""

SCRIPT = r"""
const DIR = D.directions, TOK = DIR.tokens.split('');
const VOWELS = DIR.train_vowels + DIR.held_vowels;
const CONSONANTS = DIR.train_consonants + DIR.held_consonants;
const HELD = DIR.held_vowels + DIR.held_consonants;
const kind = t => VOWELS.includes(t) ? 'vowel' : CONSONANTS.includes(t) ? 'consonant' : 'other';
const KIND_COLOR = {vowel: '#dc2626', consonant: '#2563eb', other: '#9ca3af'};
const quoted = t => t === '.' ? "'.'" : t;
const signed = v => (v >= 0 ? '+' : '\u2212') + Math.abs(v).toFixed(2);
const score = t => DIR.scores[TOK.indexOf(t)];
const side = v => v > DIR.threshold ? 'vowel' : 'consonant';
const picked = {cosA: 'a', cosB: 'e'};
function drawStrip() {
  const W = 960, axis = 110, lo = Math.min(...DIR.scores), hi = Math.max(...DIR.scores);
  const x = v => 30 + (W - 60) * (v - lo) / (hi - lo);
  const tx = x(DIR.threshold), kids = [
    s('line', {x1: 20, x2: W - 20, y1: axis, y2: axis, stroke: '#d1d5db'}),
    s('line', {id: 'threshold', x1: tx, x2: tx, y1: 18, y2: 170, stroke: '#000',
      'stroke-dasharray': '5 4', 'data-threshold': DIR.threshold}),
    s('text', {x: tx, y: 12, 'text-anchor': 'middle',
      text: `threshold ${signed(DIR.threshold)}`}),
    s('text', {x: tx - 6, y: 32, 'text-anchor': 'end', fill: KIND_COLOR.consonant,
      text: '\u2190 consonant side'}),
    s('text', {x: tx + 6, y: 32, fill: KIND_COLOR.vowel, text: 'vowel side \u2192'})];
  const levels = [-1, 1, -2, 2, -3, 3], last = {};
  TOK.map(t => [t, score(t)]).sort((a, b) => a[1] - b[1]).forEach(([t, v]) => {
    const X = x(v), free = levels.find(l => !(X - last[l] < 16));
    const level = free === undefined ? levels[0] : free, Y = axis + 22 * level;
    last[level] = X;
    const color = KIND_COLOR[kind(t)], held = HELD.includes(t);
    kids.push(s('line', {x1: X, x2: X, y1: axis, y2: Y + (level < 0 ? 4 : -10),
      stroke: color, 'stroke-opacity': 0.5}));
    kids.push(s('text', {x: X, y: Y, 'text-anchor': 'middle', fill: color,
      'font-weight': held ? 700 : 400, text: quoted(t)}));
    if (t === picked.cosA || t === picked.cosB) kids.push(s('circle', {class: 'ring', cx: X,
      cy: axis, r: 10, fill: 'none', stroke: '#000', 'stroke-width': 1.5, 'data-token': t}));
    const dot = s('circle', {class: 'letter', cx: X, cy: axis, r: 6, fill: held ? '#fff' :
      color, stroke: color, 'stroke-width': 2, 'data-token': t, 'data-score': v,
      'data-kind': kind(t), 'data-held': held, style: 'cursor:pointer'},
      [s('title', {text: `${quoted(t)}: ${signed(v)}`})]);
    dot.addEventListener('mouseenter', () => fill('hover', h('span', {text:
      `${quoted(t)}: its row projects to ${signed(v)} on the vowel direction, the ${side(v)} ` +
      `side of the threshold` + (held ? ' (held out: the direction never saw it)' : '')})));
    dot.addEventListener('click', () => press('cosA', t));
    kids.push(dot);
  });
  fill('strip', ...kids);
}
function heldOutLine() {
  const part = (letters, want) => letters.split('').map(t => `${t} ${signed(score(t))}` +
    (side(score(t)) === want ? ' \u2713' : ' \u2717')).join(', ');
  fill('heldOut', h('span', {text: `Held out: the vowels ${part(DIR.held_vowels, 'vowel')} ` +
    `should land above the threshold ${signed(DIR.threshold)}; the consonants ` +
    `${part(DIR.held_consonants, 'consonant')} below it.`}));
}
function showCosine(group, t) {
  picked[group] = t;
  drawStrip();
  const i = TOK.indexOf(picked.cosA), j = TOK.indexOf(picked.cosB), row = DIR.cosines[i];
  const near = TOK.map((u, k) => [u, row[k]]).filter(([u]) => u !== picked.cosA)
    .sort((a, b) => b[1] - a[1]);
  const list = pairs => pairs.map(([u, c]) => `${quoted(u)} ${signed(c)}`).join(', ');
  fill('cosInfo', h('p', {}, [h('span', {class: 'big', id: 'cosine', 'data-cosine': row[j],
    text: `cos(${quoted(picked.cosA)}, ${quoted(picked.cosB)}) = ${signed(row[j])}`})]),
    h('p', {text: `rows most like ${quoted(picked.cosA)}'s: ${list(near.slice(0, 5))}; ` +
      `least like it: ${list(near.slice(-3))}.`}),
    h('p', {class: 'note', text: 'A cosine of +1: the two rows point the same way (the ' +
      'model expects the same things after both letters); 0: unrelated; negative: ' +
      'opposite habits. The cosine ignores length, like the projection ignores the ' +
      'direction\u2019s length.'}));
}
const LAYERS = ['embedding', 'block 1', 'block 2', 'block 3', 'block 4'];
const shade = p => `rgba(124,58,237,${(0.08 + 0.8 * p).toFixed(2)})`;
function showName(name) {
  const n = D.lens.names.find(x => x.name === name);
  const head = h('tr', {}, [h('th', {text: 'next →'})].concat(n.targets.split('').map(t =>
    h('th', {text: t}))));
  const rows = n.layers.map((layer, l) => h('tr', {}, [h('th', {text: LAYERS[l] || `layer ${l}`})]
    .concat(layer.map(([top, p, ptrue]) => h('td', {style: `background:${shade(ptrue)};` +
      `color:${ptrue > 0.5 ? '#fff' : '#111'}`, 'data-ptrue': ptrue,
      title: `top guess ${top} ${p}; true next ${ptrue}`, text: `${top} ${p.toFixed(2)}`})))));
  fill('lens', head, ...rows);
}
function showHead(id) {
  const a = D.attention, hd = a.heads.find(x => x.id === id), P = hd.pattern, n = P.length;
  const c = Math.floor(400 / n), off = 20, kids = [];
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    const stripe = i > a.half && j === i - a.half + 1;
    kids.push(s('rect', {x: off + j * c, y: off + i * c, width: c, height: c,
      fill: `rgba(76,29,149,${(P[i][j] / 100).toFixed(2)})`,
      stroke: stripe ? '#f59e0b' : 'none', 'stroke-width': stripe ? 1 : 0}));
  }
  kids.push(s('text', {x: off, y: 12, text: 'keys →   (queries ↓)'}));
  fill('pattern', ...kids);
  document.getElementById('pattern').dataset.stripe = hd.induction;
  const isInd = a.induction_heads.some(([l, k]) => `${l},${k}` === id);
  const isPrev = a.prev_heads.some(([l, k]) => `${l},${k}` === id);
  fill('headInfo', h('p', {}, [h('b', {text: `layer ${id[0]}, head ${id[2]}: ${hd.role}`})]),
    h('p', {text: `previous-token score ${hd.prev} · induction score ${hd.induction}` +
      (isInd ? ' — found as an induction head' : '') +
      (isPrev ? ' — found as a previous-token head' : '')}),
    h('p', {text: `loss on the repeated half: ${a.loss} nats with every head, ` +
      `${hd.loss_without} without this one (chance: ${a.chance}).`}),
    h('p', {class: 'note', text: hd.loss_without > 1 ? 'Ablating it breaks the copying: ' +
      'this head is part of the induction circuit.' : 'Ablating it changes almost nothing.'}));
}
function arrowsSvg(id, sets) {
  const R = 140, o = 160, kids = [s('circle', {cx: o, cy: o, r: R, fill: 'none',
    stroke: '#e5e7eb'})];
  for (const {vectors, cls, color, dash, names} of sets) {
    const m = Math.max(...vectors.map(([x, y]) => Math.hypot(x, y)), 1e-9);
    vectors.forEach(([x, y], i) => {
      const X = o + R * x / m, Y = o - R * y / m;
      kids.push(s('line', {class: cls, x1: o, y1: o, x2: X, y2: Y, stroke: color,
        'stroke-width': 3, 'stroke-dasharray': dash || 'none'}));
      if (names) kids.push(s('text', {x: X + (x >= 0 ? 4 : -14), y: Y + 4, text: names[i]}));
    });
  }
  fill(id, ...kids);
}
function showSparsity(k) {
  const e = D.superposition.sweep[+k];
  const vectors = e.W[0].map((_, i) => [e.W[0][i], e.W[1][i]]);
  arrowsSvg('arrows', [{vectors, cls: 'feature', color: '#7c3aed', names: vectors.map((_, i) =>
    `${i}`)}]);
  fill('supInfo', h('p', {text: `sparsity ${e.sparsity}: a feature is off ` +
    `${Math.round(100 * e.sparsity)}% of the time.`}), h('p', {id: 'dims', text:
    'dimensionality per feature: ' + e.dims.map(d => d.toFixed(2)).join(', ') +
    ` (total ${e.dims.reduce((a, b) => a + b, 0).toFixed(2)} of 2 dimensions)`}),
    h('p', {class: 'note', text: `importance-weighted loss ${e.loss}`}));
}
function showSae() {
  const sp = D.superposition;
  arrowsSvg('sae', [{vectors: sp.latents, cls: 'latent', color: '#7c3aed'},
    {vectors: sp.true, cls: 'true', color: '#000', dash: '5 4', names: sp.true.map((_, i) =>
      `${i}`)}]);
  fill('saeInfo', h('p', {text: 'Violet: the SAE\u2019s decoder rows (its latents); black, ' +
    'dashed: the toy model\u2019s true feature directions at sparsity 0.99.'}),
    h('p', {id: 'cosines', text: 'best cosine of each true feature with a latent: ' +
      sp.cosines.map(c => c.toFixed(3)).join(', ')}),
    h('p', {class: 'note', text: `on average ${sp.active} latents are on per input; ` +
      `SAE loss ${sp.sae_loss}. A cosine of 1 means a latent points exactly along the ` +
      'feature: the dictionary was recovered without being told what it is.'}));
}
const L = D.lens;
fill('losses', h('span', {text: 'lens loss by layer on the names: ' +
  L.losses.map(v => v.toFixed(2)).join(' → ') + ' nats: the prediction sharpens.'}));
problems('p04', DIR); heldOutLine();
picker('cosA', TOK.map(t => [t, quoted(t)]), t => showCosine('cosA', t), 'letter');
picker('cosB', TOK.map(t => [t, quoted(t)]), t => showCosine('cosB', t), 'against');
problems('p05', D.lens); problems('p06', D.attention); problems('p07', D.superposition);
picker('names', L.names.map(n => [n.name, n.name]), showName, 'name');
picker('heads', D.attention.heads.map(x => [x.id, `L${x.id[0]}H${x.id[2]}`]), showHead,
  'head');
picker('sparsities', D.superposition.sweep.map((e, k) => [`${k}`, `${e.sparsity}`]),
  showSparsity, 'sparsity');
showSae();
press('cosA', 'a'); press('cosB', 'e');
press('names', D.initial); press('heads', '1,2'); press('sparsities', '0');
"""


def render(data: dict) -> str:
    """The whole lab 02 page for data from lab02_build.build."""
    body = BODY.format(banner=source_banner(data), half=data["attention"]["half"])
    return page("mindlab explore · lab 02", body, data, SCRIPT)
