# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 01 — Reverse-engineer a mind
#
# Somewhere below is a trained model. It has read 5,163 first names, one letter at a
# time, and it has learned to guess the next letter. Your job is the one a
# neuroscientist has with a brain, except that here nothing is hidden from you: you
# can read every number the model holds, change any of them, and watch what happens.
#
# The model is the smallest language model there is, a **bigram** model. Its entire
# memory is one table `W` of 27 × 27 numbers. That is small enough to understand
# completely, which is the point: the three tools you build here are the same three
# moves interpretability researchers make on models a billion times larger.
#
# | Tool | The question it answers | You write |
# |------|-------------------------|-----------|
# | 01 read its mind | what does the model expect next? | `softmax`, `read_row`, `data_row`, `belief_gap` |
# | 02 intervene | what happens if we cut a part out? | `ablate_column`, `sample_word` |
# | 03 extract the algorithm | can we write its behaviour down as rules? | `rank_rules`, `greedy_decode` |
#
# **How to work.** Each function below has its signature and a docstring that says
# exactly what it must do; replace the `raise NotImplementedError("write ...")` line
# with your code (until you do, running the notebook stops there, naming the function
# to write). Run the cells from the top. Each tool ends with a cell that uses your
# functions on the trained model and draws a picture, then a check cell that runs the
# public checks and tells you what works. From a terminal, `mindlab check lab01.py` (or
# `.ipynb`) runs them too, `mindlab check --watch lab01.py` again each time you save,
# and `mindlab hint softmax` gives one more hint each time you ask (never the answer).
# With ipywidgets (the `[student]` install in your handout's README, or Colab) the pickers below are live widgets.
#
# Rules of the game: use `numpy`, and leave your inputs unchanged (return new arrays).

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import numpy as np

from mindlab_core.bigram import trained_model
from mindlab_core.lab01.pictures import belief_bars, greedy_path, matrix_heatmap, rulebook
from mindlab_core.tokens import TOKENS, index

model = trained_model()  # trains in a blink: the loss only needs the 27x27 counts
W, counts = model.W, model.counts  # W: (27, 27) logits; counts: (27, 27) ints
print(model.note())

# %% [markdown] nbgrader={"grade": false, "grade_id": "patient", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## The patient
#
# The model works with 27 **tokens**: `TOKENS = ".abcdefghijklmnopqrstuvwxyz"`. Token 0,
# the dot, marks the edge of a word, so the name `ann` is the sequence `. a n n .`.
# `index(letter)` gives a token's position (`index("q") == 17`) and raises `ValueError`
# for anything that is not a token (`"Q"`, `"ab"`, `""`, `3`); use it.
#
# `W[i, j]` is a **logit**: a score, any real number, for "token `j` comes right after
# token `i`". Higher means more likely. Row `i` is everything the model thinks about
# what follows token `i`; column `j` is everything that leads to `j`.
#
# `counts[i, j]` is how many times `j` really followed `i` in the names. The model was
# trained to make its beliefs match these counts, **smoothed**: before training, a
# pseudo-count of 0.1 is added to every one of the 27 entries of every row
# (`SMOOTHING` in `mindlab_core/bigram.py`), so that no transition is ever impossible.
# That is why the model says `q → u` with 0.94 and not 53/54 ≈ 0.98: after `q` the
# names have `u` 53 times in 54, and the model matches (53 + 0.1) / (54 + 27 × 0.1) =
# 53.1 / 56.7 ≈ 0.94, giving each of the 25 letters never seen after `q` about
# 0.1 / 56.7 ≈ 0.002. A row with thousands of examples hardly notices the 2.7 extra
# counts; a rare letter's row does. Here is the whole mind at a glance:

# %% nbgrader={"grade": false, "grade_id": "patient_heatmap", "locked": true, "schema_version": 3, "solution": false, "task": false}
matrix_heatmap(W)

# %% [markdown] nbgrader={"grade": false, "grade_id": "tool01_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## TOOL 01 — read its mind
#
# Logits are not probabilities: they can be negative and they do not add up to 1.
# **Softmax** turns a row of logits into a probability distribution: take `exp` of each
# logit (now everything is positive) and divide by the row's total (now it adds up to 1).
#
# Two traps. `np.exp(1000.0)` is `inf`, and `inf / inf` is `nan`; but subtracting the
# same number from every logit of a row does not change its softmax (the factor
# `exp(-c)` cancels above and below the line). Subtract the row's largest logit and the
# biggest exponent is `exp(0) = 1`. Second trap: a logit of `-np.inf` means "never", and
# `exp(-inf)` is exactly `0.0`, which is what we want, as long as the row has one finite
# logit. `axis=-1` and `keepdims=True` let one line of code handle both a single row
# `(27,)` and a whole matrix `(n, 27)`.

# %% nbgrader={"grade": false, "grade_id": "softmax", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax(logits):
    x = np.asarray(logits, dtype=np.float64)
    z = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


# %% [markdown] nbgrader={"grade": false, "grade_id": "read_row_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Reading the model's mind after a letter is now one row and one softmax. Reading the
# *data* after the same letter is the same row of `counts`, divided by its total. The
# model was trained to make the two agree; `belief_gap` measures how well it did, with
# the **total variation distance**: half the sum of the absolute differences. It is 0
# when the two distributions are identical and 1 when they never put weight on the
# same token.

# %% nbgrader={"grade": false, "grade_id": "read_row", "locked": false, "schema_version": 3, "solution": true, "task": false}
def read_row(W, letter):
    return softmax(W[index(letter)])


# %% nbgrader={"grade": false, "grade_id": "data_row", "locked": false, "schema_version": 3, "solution": true, "task": false}
def data_row(counts, letter):
    row = counts[index(letter)].astype(np.float64)
    return row / row.sum()


# %% nbgrader={"grade": false, "grade_id": "belief_gap", "locked": false, "schema_version": 3, "solution": true, "task": false}
def belief_gap(W, counts, letter):
    return float(0.5 * np.abs(read_row(W, letter) - data_row(counts, letter)).sum())


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool01_try", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Try it.** The violet bars are the model's belief after `q`, the black ticks are what
# the names really do; each bar is labelled with its value, and tiny beliefs are drawn
# at a small minimum height so you can see them. Change `letter` and run the cell again
# (or use the picker below): where does the model agree with the data, and where (and
# why) does it hedge?
#
# <details><summary>Answer (open it once you have tried a few letters)</summary>
#
# It agrees closely after common letters (`a`, `e`, `n`: belief_gap 0.001 or less),
# where thousands of examples drown the 0.1 pseudo-counts. It hedges after rare ones
# (`x` 0.069, `q` 0.047, `z` 0.021): after `q` there are only 54 examples, so the 2.7
# smoothing counts move 0.047 of the probability onto 25 letters the names
# never put after `q`, about 0.002 each. The hedge is deliberate: a model that gave
# them exactly 0 would call any new name with `qa` impossible.
#
# </details>

# %% nbgrader={"grade": false, "grade_id": "tool01_demo", "locked": true, "schema_version": 3, "solution": false, "task": false}
letter = "q"
belief, data = read_row(W, letter), data_row(counts, letter)
print(f"belief_gap after {letter!r}: {belief_gap(W, counts, letter):.3f}")
belief_bars(belief, data, letter)

# %% nbgrader={"grade": false, "grade_id": "tool01_picker", "locked": true, "schema_version": 3, "solution": false, "task": false}
from mindlab_core.lab01.widgets import belief_picker

belief_picker(read_row, data_row, W, counts, letter)  # a live picker with ipywidgets

# %% nbgrader={"grade": true, "grade_id": "check_tool01", "locked": true, "points": 10.0, "schema_version": 3, "solution": false, "task": false}
from mindlab_grader.notebook import check_tool

check_tool("lab01", "tool01", globals())


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool02_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## TOOL 02 — intervene
#
# Reading tells you what the model believes; to learn what a part of it *does*, break
# that part and watch. This is an **ablation**. Set a whole column of `W` to `-np.inf`
# and softmax gives that token probability 0 after every letter: the model can no
# longer say it. Ablate the `.` column and the model loses the ability to end a word.
#
# To watch, we need the model to write. `sample_word` starts after `.` and draws one
# token at a time from the model's belief until it draws `.` again. The
# **temperature** divides the logits first: below 1 it sharpens the belief (safe,
# repetitive words), above 1 it flattens it (wild ones). A word that can never end
# would run forever, so `max_len` caps it.

# %% nbgrader={"grade": false, "grade_id": "ablate_column", "locked": false, "schema_version": 3, "solution": true, "task": false}
def ablate_column(W, letter):
    j = index(letter)
    out = np.array(W, dtype=np.float64, copy=True)
    out[:, j] = -np.inf
    return out


# %% nbgrader={"grade": false, "grade_id": "sample_word", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sample_word(W, rng, temperature=1.0, max_len=50):
    if not temperature > 0:
        raise ValueError("temperature must be > 0")
    word = []
    ix = 0
    while len(word) < max_len:
        p = softmax(W[ix] / temperature)
        ix = int(rng.choice(27, p=p))
        if ix == 0:
            break
        word.append(TOKENS[ix])
    return "".join(word)


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool02_try", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Try it.** The same random seed, before and after the cut. Before, most names end
# after a handful of letters. After, no word can stop: every one runs on to `max_len`.
# The hatched grey column in the picture is the one you removed; the colours are on the
# same scale as the unablated heatmap above, so everything else is visibly unchanged,
# and the words under it are the symptom.

# %% nbgrader={"grade": false, "grade_id": "tool02_demo", "locked": true, "schema_version": 3, "solution": false, "task": false}
no_end = ablate_column(W, ".")
rng = np.random.default_rng(0)
print("before:", [sample_word(W, rng, max_len=20) for _ in range(6)])
rng = np.random.default_rng(0)
after = [sample_word(no_end, rng, max_len=20) for _ in range(6)]
print("after: ", after)
print("cold:  ", [sample_word(W, rng, temperature=0.3) for _ in range(6)])
matrix_heatmap(no_end, ablated=".", like=W, words=after)

# %% [markdown] nbgrader={"grade": false, "grade_id": "tool02_lesion_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Your own lesion.** Cutting `.` was our choice. Choose yours: set `lesion` to any
# token (a vowel, `n`, the `q` that always wants `u`) and predict, before you run the
# cell, what the words will look like. With ipywidgets the picker lets you try them all.
#
# <details><summary>Answer (what to expect)</summary>
#
# Cutting a letter other than `.` leaves words able to end, so they stay short; the
# letter simply never appears, and its share goes to the other tokens of each row in
# proportion (softmax renormalises). Cutting `a`, the favourite after many consonants,
# gives names with no `a` but the same lengths (`me`, `brunintt`, `pesiel`); cutting
# `u` leaves `q` with `i` (27%) and the pseudo-counts, so after `q` the model now
# hedges over two dozen letters. Only the `.` column is special: it is the model's one
# way to stop.
#
# </details>

# %% nbgrader={"grade": false, "grade_id": "tool02_lesion", "locked": true, "schema_version": 3, "solution": false, "task": false}
from mindlab_core.lab01.widgets import lesion_picker

lesion = "a"
lesion_picker(ablate_column, sample_word, W, lesion)  # a live picker with ipywidgets

# %% nbgrader={"grade": true, "grade_id": "check_tool02", "locked": true, "points": 10.0, "schema_version": 3, "solution": false, "task": false}
from mindlab_grader.notebook import check_tool

check_tool("lab01", "tool02", globals())


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool03_intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## TOOL 03 — extract the algorithm
#
# Can we replace the table of numbers by something a person can read? For each token,
# keep only its single favourite next token and how sure the model is of it: that is
# one **rule**, like `q → u`. Sorting the 27 rules from most to least confident gives a
# rulebook. Where a rule is near 1.0 the model is running a simple algorithm; where it
# is low the model is hedging, and the rule alone does not describe it.
#
# Following the favourite at every step, with no randomness at all, is **greedy
# decoding**. It shows the single most typical path through the model. It can also
# loop forever (if `a` prefers `b` and `b` prefers `a`), so it has a `max_len` cap too.
#
# Ties matter when you compare with a grader: `np.argmax` returns the lowest index
# among equal values, and Python's `sorted`/`list.sort` are *stable* (equal keys keep
# their order), which is exactly what the docstrings ask for.

# %% nbgrader={"grade": false, "grade_id": "rank_rules", "locked": false, "schema_version": 3, "solution": true, "task": false}
def rank_rules(W, top=None):
    P = softmax(W)
    rules = []
    for i in range(27):
        j = int(np.argmax(P[i]))
        rules.append((TOKENS[i], TOKENS[j], float(P[i, j])))
    rules.sort(key=lambda r: -r[2])
    if top is not None:
        rules = rules[:top]
    return rules


# %% nbgrader={"grade": false, "grade_id": "greedy_decode", "locked": false, "schema_version": 3, "solution": true, "task": false}
def greedy_decode(W, max_len=50):
    out = ""
    ix = 0
    for _ in range(max_len):
        ix = int(np.argmax(W[ix]))
        if ix == 0:
            break
        out += TOKENS[ix]
    return out


# %% [markdown] nbgrader={"grade": false, "grade_id": "tool03_try", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Try it.** The model's ten most confident rules (10 of the 27, one per token), read
# as sentences, then its greedy word, step by step. The pale bar behind each step is the
# runner-up: how close the model came to writing something else. Greedy decoding has no
# randomness, so it writes the same word every time, forever.
#
# <details><summary>Answer: why is the greedy word so short, and what does it tell us?</summary>
#
# After `.` the favourite first letter is `m` (only about 9%), after `m` it is `a` (43%),
# and after `a` the favourite is `.` (38%): so the greedy word is `ma`. Every step is the
# single most likely choice, yet the word as a whole is not typical at all: most of the
# probability was in the runners-up. Only `q → u` (94%) is a rule the model nearly always
# follows; the rest of the rulebook is hedging, which is why sampling (TOOL 02) writes
# far more varied names than the rulebook alone would.
#
# </details>

# %% nbgrader={"grade": false, "grade_id": "tool03_demo_rules", "locked": true, "schema_version": 3, "solution": false, "task": false}
rules = rank_rules(W, top=10)
for after, nxt, p in rules[:3]:
    print(f"{after} -> {nxt}  {p:.2f}")
rulebook(rules)

# %% nbgrader={"grade": false, "grade_id": "tool03_demo_greedy", "locked": true, "schema_version": 3, "solution": false, "task": false}
word = greedy_decode(W)
print(f"greedy word: {word!r}")
greedy_path(W, word)

# %% nbgrader={"grade": true, "grade_id": "check_tool03", "locked": true, "points": 10.0, "schema_version": 3, "solution": false, "task": false}
from mindlab_grader.notebook import check_tool

check_tool("lab01", "tool03", globals())

# %% [markdown] nbgrader={"grade": false, "grade_id": "later", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Where this goes next
#
# You read a mind, cut a piece out of it, and wrote its behaviour down as rules. On a
# 27 × 27 table each step was easy because every number has a meaning you can name. In
# a real network the same three moves need more machinery:
#
# - **Features as directions.** A big model's state is a long vector, and a concept is
#   usually a *direction* in that space, not a single number. Reading its mind becomes
#   projecting onto directions.
# - **The logit lens.** Push an intermediate layer's state through the model's final
#   unembedding and you get a row like the ones you read here: what the model would say
#   if it stopped thinking at that layer.
# - **Induction heads.** A bigram model only sees one letter back. Attention layers can
#   learn the rule "if `x y` happened before and I now see `x`, predict `y`", a copying
#   algorithm that researchers found and ablated much as you did with the `.` column.
# - **Superposition and sparse autoencoders.** Real models store more features than
#   they have dimensions, packed on top of each other. Sparse autoencoders are a tool to
#   pull them apart again into a rulebook a person can read.
