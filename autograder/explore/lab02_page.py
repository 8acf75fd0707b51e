"""Lab 02's explore page: the markup and the small script that draws it from the data."""

from __future__ import annotations

from .html import page, source_banner

BODY = """
<h1>mindlab explore · lab 02 <i>Scaling the idea up</i></h1>
{banner}

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
problems('p05', D.lens); problems('p06', D.attention); problems('p07', D.superposition);
picker('names', L.names.map(n => [n.name, n.name]), showName, 'name');
picker('heads', D.attention.heads.map(x => [x.id, `L${x.id[0]}H${x.id[2]}`]), showHead,
  'head');
picker('sparsities', D.superposition.sweep.map((e, k) => [`${k}`, `${e.sparsity}`]),
  showSparsity, 'sparsity');
showSae();
press('names', D.initial); press('heads', '1,2'); press('sparsities', '0');
"""


def render(data: dict) -> str:
    """The whole lab 02 page for data from lab02_build.build."""
    body = BODY.format(banner=source_banner(data), half=data["attention"]["half"])
    return page("mindlab explore · lab 02", body, data, SCRIPT)
