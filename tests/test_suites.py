"""The lab 01 suites themselves: points, shapes of the checks, what public suites may import,
the statistics behind the sampling checks, and correct-but-different code passing; for
every lab, that the public suite warns about every mistake the hidden suite grades, and
that without a reference to swap in, a mistake in one function is blamed on it alone."""

from __future__ import annotations

import ast
import functools
import importlib
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from mistakes import (
    MISTAKES,
    graded,
    graded_outside,
    library,
    namespace,
    outside,
    reference_functions,
    submission_source,
    wrong_function,
)

from mindlab_core.lab01 import reference as ref
from mindlab_grader.checks import LocalLearner
from mindlab_grader.judge import checks_of, run_lab, suite_modules
from mindlab_grader.labs import LAB01, LABS, get_lab
from mindlab_grader.suites.lab01 import inputs, stats

SUITES = Path(__file__).resolve().parents[1] / "autograder" / "suites" / "lab01"


@pytest.mark.parametrize("lab", sorted(LABS))
@pytest.mark.parametrize("suite", ["public", "hidden"])
def test_each_tool_is_worth_its_points_and_checks_name_their_function(lab, suite):
    spec = LABS[lab]
    modules = suite_modules(spec, suite)
    assert set(modules) == {tool.id for tool in spec.tools}
    for tool in spec.tools:
        checks = checks_of(modules[tool.id])
        assert checks, tool.id
        assert sum(c.info.points for c in checks) == pytest.approx(tool.points)
        assert len({c.id for c in checks}) == len(checks)
        for c in checks:
            assert c.info.points > 0 and c.info.function in tool.functions, c.id
            assert c.fn.__doc__ and c.info.claim, c.id
    assert sum(tool.points for tool in spec.tools) == 10 * len(spec.tools)


@pytest.mark.parametrize("lab", sorted(LABS))
@pytest.mark.parametrize("suite", ["public", "hidden"])
def test_prerequisites_are_earlier_checks_of_the_same_function(lab, suite):
    """A check's `after` names checks of its own module that come before it, about the same
    function: a bug in one function never leaves another function's checks not run."""
    for module in suite_modules(LABS[lab], suite).values():
        seen: dict[str, str] = {}
        for c in checks_of(module):
            for needed in c.info.after:
                assert needed in seen, f"{c.id} needs {needed}, which does not come before it"
                assert seen[needed] == c.info.function, (c.id, needed)
            seen[c.id] = c.info.function


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(node.module or "")
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


@pytest.mark.parametrize("lab", sorted(LABS))
def test_public_suites_and_their_helpers_never_import_the_reference(lab):
    """Public checks and every suite helper they import, followed to the end (lab02's checks
    -> lab02/calls.py -> common/calls.py): no lab's reference, no hidden suite, no hints."""
    references = {other.reference for other in LABS.values()}
    todo, seen = list((SUITES.parent / lab / "public").glob("*.py")), set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        imports = _imports(path)
        leaked = {m for m in imports if any(m == r or m.startswith(f"{r}.") for r in references)
                  or m.startswith("mindlab_core.lab01.reference") or ".hidden" in m
                  or m.endswith("suites.common.hints")}
        assert not leaked, f"{path.name} imports {leaked}"
        for module in imports:
            if module.startswith("mindlab_grader.suites."):
                helper = SUITES.parent.joinpath(*module.split(".")[2:]).with_suffix(".py")
                todo += [helper] if helper.is_file() else []
    assert SUITES.parent / "common" / "calls.py" in seen  # the walk did follow helpers


def _reference_answer(node: ast.AST) -> bool:
    """Whether an expression is the reference's answer: ref.f(...), or a part of one."""
    while isinstance(node, (ast.Subscript, ast.Attribute)) and not (
            isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "ref"):
        node = node.value
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "ref")


def _answers_in_messages(path: Path) -> list[str]:
    """Every place a Fail message of `path` formats the reference's answer, or a name a
    check set to it (`expected = ref.sae_loss(...)`, then f"... expected {expected}")."""
    found = []
    for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(fn, ast.FunctionDef):
            continue
        answers = {n.id for node in ast.walk(fn) if isinstance(node, ast.Assign)
                   and _reference_answer(node.value)
                   for target in node.targets for n in ast.walk(target)
                   if isinstance(n, ast.Name)}
        for call in ast.walk(fn):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                    and call.func.id == "Fail"):
                continue
            for part in ast.walk(call):
                if isinstance(part, ast.FormattedValue) and any(
                        (isinstance(n, ast.Name) and n.id in answers) or _reference_answer(n)
                        for n in ast.walk(part.value)):
                    found.append(f"{path.name}:{call.lineno} {fn.name}: "
                                 f"{{{ast.unparse(part.value)}}}")
    return found


@pytest.mark.parametrize("lab", sorted(LABS))
def test_hidden_feedback_never_shows_the_reference_answer(lab):
    """A hidden check says what is wrong, never the expected value of its hidden case
    (lab 02's said "gave 240.983, expected 8.03278": found from outside)."""
    files = sorted((SUITES.parent / lab / "hidden").glob("test_*.py"))
    assert files
    assert [where for path in files for where in _answers_in_messages(path)] == []


# ---------------------------------------------------------------- statistics


@pytest.mark.parametrize("x, df, p", [
    (3.841458820694124, 1, 0.05), (5.991464547107979, 2, 0.05), (7.814727903251178, 3, 0.05),
    (11.070497693516351, 5, 0.05), (23.209251158954356, 10, 0.01),
    (31.264133620239985, 11, 0.001), (0.0, 4, 1.0)])
def test_chi2_sf_matches_the_table(x, df, p):
    assert stats.chi2_sf(x, df) == pytest.approx(p, rel=1e-9)


def test_p_value_is_zero_for_impossible_outcomes_and_high_for_a_perfect_fit():
    probs = {"a": 0.5, "b": 0.5}
    assert stats.p_value(["a", "c"] * 50, probs) == 0.0
    assert stats.p_value(["a", "b"] * 50, probs) == 1.0
    assert not stats.consistent(["a"] * 100, probs)


def _critical(df: int, p: float) -> float:
    lo, hi = 0.0, 1000.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if stats.chi2_sf(mid, df) > p else (lo, mid)
    return hi


def _distributions() -> dict[str, tuple[dict, int]]:
    from mindlab_grader.suites.lab01.hidden import test_tool02 as t2

    found = {"first letters": (t2.FIRST_LETTER_PROBS, t2.N_FIRST_LETTERS),
             "lengths": (t2.LENGTH_PROBS, t2.N_WORDS)}
    for n in (t2.N_LONG_WORDS[0], sum(t2.N_LONG_WORDS)):  # each stage's sample
        found[f"long words' lengths, {n} words"] = (t2.LONG_LENGTH_PROBS, n)
    for n in (t2.N_TEMPERATURE_WORDS[0], sum(t2.N_TEMPERATURE_WORDS)):
        for which, logits in (("first letters", t2.FIRSTS), ("what follows", t2.SECONDS)):
            found[f"temperatures, {which}, {n} words"] = (t2._letter_probs(logits, 1.0), n)
    return found


@pytest.mark.parametrize("name", list(_distributions()))
def test_the_sampling_tests_are_calibrated(name):
    """Under the null, Pearson's statistic on our bins rejects no more often than it claims.

    We cannot simulate a 1e-9 tail, but we can check the approximation where we can see
    it (p = 1e-3, 200,000 simulated learners): far off there would be far off further out.
    """
    probs, n = _distributions()[name]
    groups = (stats.tail_bins if name.startswith("long words' lengths") else stats.bins)(probs, n)
    assert all(n * sum(probs[k] for k in g) >= stats.MIN_EXPECTED for g in groups)
    p = np.array([sum(probs[k] for k in g) for g in groups])
    p = p / p.sum()
    counts = np.random.default_rng(2024).multinomial(n, p, size=200_000)
    stat = ((counts - n * p) ** 2 / (n * p)).sum(axis=1)
    rate = float((stat > _critical(len(groups) - 1, 1e-3)).mean())
    assert rate < 2e-3, f"{name}: {rate:.2e} of correct learners would fail at nominal 1e-3"


def _chain_statistics(P: np.ndarray, states: list[int], n_words: int, learners: int,
                      early: int, seed: int, max_len: int = 50) -> dict[str, tuple]:
    """{"early", "late"}: Pearson's statistic of p_value_of_steps (one per learner) and its
    degrees of freedom, for `learners` right samplers of n_words words each on the chain P
    (next-token probabilities), simulated side by side; a word's first `early` steps apart
    from the rest, as the check splits them, each state binned for its median count."""
    rng = np.random.default_rng(seed)
    cum = np.cumsum(P, axis=1)
    counts = np.zeros((2, learners, len(P), len(P)), dtype=np.int64)
    row = np.zeros(learners * n_words, dtype=np.int64)
    who = np.repeat(np.arange(learners), n_words)
    alive = np.ones(len(row), dtype=bool)
    for step in range(max_len + 1):
        idx = np.flatnonzero(alive)
        if not len(idx):
            break
        u = rng.random(len(idx))
        nxt = np.minimum((u[:, None] >= cum[row[idx]]).sum(axis=1), len(P) - 1)
        np.add.at(counts[int(step >= early)], (who[idx], row[idx], nxt), 1)
        row[idx] = nxt
        alive[idx] = (nxt != 0) & (step + 1 < max_len)
    found = {}
    for part, table in zip(("early", "late"), counts):
        stat, df = np.zeros(learners), 0
        for state in states:
            n = table[:, state, :].sum(axis=1)  # each learner's own number of steps from it
            groups = stats.bins({j: float(P[state, j]) for j in range(len(P))
                                 if P[state, j] > 0}, int(np.median(n)))
            for group in groups:
                cols = sorted(group)
                expected = np.maximum(n * P[state, cols].sum(), 1e-12)
                stat += (table[:, state, cols].sum(axis=1) - expected) ** 2 / expected
            df += len(groups) - 1
        found[part] = (stat, df)
    return found


@functools.cache
def _simulated_long_words() -> dict[str, tuple]:
    from mindlab_grader.suites.lab01.hidden import test_tool02 as t2

    P = ref.softmax(t2.LONG / t2.LONG_TEMPERATURE)
    states = [inputs.index(c) for c in ".abc"]
    runs = [_chain_statistics(P, states, t2.N_LONG_WORDS[0], 5_000, t2.N_EARLY_STEPS, seed)
            for seed in range(8)]
    return {part: (np.concatenate([r[part][0] for r in runs]), runs[0][part][1])
            for part in ("early", "late")}


@pytest.mark.parametrize("part", ["early", "late"])
def test_the_steps_test_of_long_words_is_calibrated(part):
    """p_value_of_steps sums each row's statistic although how often a walk visits a row is
    random: simulated right samplers (40,000 learners of N_LONG_WORDS words) reject at the
    nominal rate where we can see it (1e-3; the check uses 1e-9)."""
    stat, df = _simulated_long_words()[part]
    rate = float((stat > _critical(df, 1e-3)).mean())
    assert rate < 2e-3, f"{part} steps: {rate:.2e} of right samplers fail at nominal 1e-3"


# mistakes that wait for the fourth letter, which only the long-word check sees
LATE_MISTAKES = ("sample_word_temperature_first_two_letters",
                 "sample_word_stale_row_from_fourth_letter",
                 "sample_word_never_ends_after_fourth_letter", "sample_word_cut_at_ten_letters")


@pytest.mark.parametrize("name", LATE_MISTAKES)
def test_the_long_word_check_rejects_late_mistakes_by_far(name):
    """What N_LONG_WORDS promises: at its fixed seed each late mistake sits far below the
    threshold, and none agrees with the reference's first words."""
    from mindlab_grader.suites.lab01.hidden import test_tool02 as t2

    learner = LocalLearner(namespace(submission_source(MISTAKES[name])), reference_functions())
    options = {"temperature": t2.LONG_TEMPERATURE}
    words = learner.repeat("sample_word", t2.N_LONG_WORDS[0], t2.LONG, t2.Rng(t2.LONG_SEED),
                           **options)
    early, late = t2._steps(words)
    p = min(stats.p_value_of_steps(late, t2.LONG_STEP_PROBS),
            stats.p_value([len(w) for w in words], t2.LONG_LENGTH_PROBS, ordered=True))
    assert p < stats.ALPHA * 1e-10, f"{name}: p = {p:.2g}"
    agree = learner.repeat("sample_word", len(t2.AGREE_LONG), t2.LONG, t2.Rng(t2.LONG_SEED),
                           **options)
    assert agree != t2.AGREE_LONG


# ---------------------------------------------------------------- inputs


def test_inputs_have_no_accidental_near_ties():
    """Rank orders and greedy steps must not hinge on the last bits of a float."""
    # (huge_W is full of rows at probability 1.0 give or take 1e-16: its check allows that)
    for W in (inputs.trained_W(), inputs.random_W(301)):
        probs = np.sort(ref.softmax(W), axis=1)
        assert (probs[:, -1] - probs[:, -2]).min() > 1e-6
        top = np.sort(probs[:, -1])
        assert np.diff(top).min() > 1e-6


def test_inputs_are_fresh_and_every_row_has_a_finite_entry():
    a, b = inputs.trained_W(), inputs.trained_W()
    a[0, 0] = 123.0
    assert b[0, 0] != 123.0 and a.flags.writeable
    for W in (inputs.path_W("mind"), inputs.cycle_W(), inputs.huge_W(1),
              inputs.one_letter_W({"a": 0.0}), inputs.end_ablated(inputs.trained_W())):
        assert np.isfinite(W).any(axis=1).all()
    assert ref.greedy_decode(inputs.path_W("mind")) == "mind"
    assert ref.greedy_decode(inputs.cycle_W("ab"), max_len=5) == "ababa"
    with pytest.raises(ValueError):
        inputs.path_W("anna")


# ---------------------------------------------------------------- other correct code passes

DIFFERENT_BUT_RIGHT = '''
import numpy as np

def softmax(logits):
    x = np.array(logits, dtype=float)
    m = np.max(x, axis=-1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))
    return np.exp(x - lse)

def read_row(W, letter):
    if type(letter) is not str or len(letter) != 1 or letter not in TOKENS:
        raise ValueError("bad letter")
    return softmax(W[TOKENS.index(letter)])

def data_row(counts, letter):
    if type(letter) is not str or len(letter) != 1 or letter not in TOKENS:
        raise ValueError("bad letter")
    row = counts[TOKENS.index(letter)].astype(float)
    return row / np.sum(row)

def belief_gap(W, counts, letter):
    return float(np.sum(np.abs(read_row(W, letter) - data_row(counts, letter))) / 2)

def ablate_column(W, letter):
    out = W.astype(float, copy=True)
    out[:, index(letter)] = float("-inf")
    return out

def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    word, row = "", 0
    while len(word) < max_len:
        cdf = np.cumsum(softmax(W[row] / temperature))
        row = min(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")), 26)
        if row == 0:
            return word
        word += TOKENS[row]
    return word

def rank_rules(W, top=None):
    P = softmax(W)
    best = [int(np.flatnonzero(P[i] == P[i].max())[0]) for i in range(27)]
    p = np.array([P[i, j] for i, j in enumerate(best)])
    order = np.argsort(-p, kind="stable")
    rules = [(TOKENS[i], TOKENS[best[i]], float(p[i])) for i in order]
    return rules[:top] if top is not None else rules

def greedy_decode(W, max_len=50):
    out, row = [], 0
    for _ in range(max_len):
        row = int(np.argmax(W[row]))
        if row == 0:
            break
        out.append(TOKENS[row])
    return "".join(out)
'''


@pytest.mark.parametrize("suite", ["public", "hidden"])
def test_correct_code_written_differently_gets_full_marks(suite):
    """A learner need not copy the reference: another sampler, sort or softmax is fine."""
    learner = LocalLearner(namespace(submission_source() + DIFFERENT_BUT_RIGHT),
                           reference_functions())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        tools = run_lab(LAB01, suite, learner)
    failed = [(t.id, t.feedback) for tool in tools for t in tool.tests if not t.passed]
    assert not failed
    assert math.isclose(sum(tool.score for tool in tools), 30.0)


GUMBEL_SAMPLER = '''
def sample_word(W, rng, temperature=1.0, max_len=50):
    """The Gumbel-max trick: 27 uniforms a draw, so never the reference's words."""
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    word, row = "", 0
    while len(word) < max_len:
        noise = -np.log(-np.log(rng.random(27)))
        row = int(np.argmax(np.asarray(W[row], dtype=float) / temperature + noise))
        if row == 0:
            break
        word += TOKENS[row]
    return word
'''


def test_a_sampler_that_draws_another_way_passes_by_statistics():
    """The hidden sampling checks accept a learner whose words are the reference's own,
    draw for draw; anyone else gets the chi-square tests, and a right sampler passes them."""
    from mindlab_grader.suites.lab01.hidden import test_tool02 as t2

    learner = LocalLearner(namespace(submission_source() + GUMBEL_SAMPLER),
                           reference_functions())
    words = learner.repeat("sample_word", t2.N_AGREE, t2.W, t2.Rng(71), max_len=2)
    assert words != t2.AGREE_FIRST_LETTERS  # so the statistics are what judged it
    tools = run_lab(LAB01, "hidden", learner)
    failed = [(t.id, t.feedback) for tool in tools for t in tool.tests if not t.passed]
    assert not failed


def test_the_reference_sampler_agrees_draw_for_draw():
    """The shortcut the statistical checks take for a learner drawing as the lab says."""
    from mindlab_grader.suites.lab01.hidden import test_tool02 as t2

    learner = LocalLearner(namespace(submission_source()), reference_functions())
    assert learner.repeat("sample_word", t2.N_AGREE, t2.W, t2.Rng(71),
                          max_len=2) == t2.AGREE_FIRST_LETTERS
    assert learner.repeat("sample_word", len(t2.AGREE_LENGTHS), t2.SHORT,
                          t2.Rng(72)) == t2.AGREE_LENGTHS
    for temperature, seed in t2.TEMPERATURES:
        assert learner.repeat("sample_word", t2.N_AGREE, t2.TEMPERED[temperature], t2.Rng(seed),
                              temperature=temperature) == t2.AGREE_TEMPERATURES[seed]
    assert learner.repeat("sample_word", len(t2.AGREE_LONG), t2.LONG, t2.Rng(t2.LONG_SEED),
                          temperature=t2.LONG_TEMPERATURE) == t2.AGREE_LONG
    _, late = t2._steps(t2.AGREE_LONG)  # what the coupling argument counts on (see N_AGREE)
    assert len(late) >= 80 and max(map(len, t2.AGREE_LONG)) > 20


# wrong samplers that every deterministic check already catches; here they show that the
# statistical checks, on their own, reject them with a wide margin at their fixed seeds
WRONG_SAMPLERS = {
    "first letters from row 'a'": """
def sample_word(W, rng, temperature=1.0, max_len=50):
    word, row = "", 1
    while len(word) < max_len:
        t = int(rng.choice(27, p=softmax(W[row] / temperature)))
        if t == 0:
            break
        word, row = word + TOKENS[t], t
    return word
""",
    "uniform first letters": """
def sample_word(W, rng, temperature=1.0, max_len=50):
    word, t = "", int(rng.integers(1, 27))
    while t != 0 and len(word) < max_len:
        word += TOKENS[t]
        t = int(rng.choice(27, p=softmax(W[t] / temperature)))
    return word
""",
    "always the first letter's row": """
def sample_word(W, rng, temperature=1.0, max_len=50):
    word, t = "", int(rng.choice(27, p=softmax(W[0] / temperature)))
    row = t
    while t != 0 and len(word) < max_len:
        word += TOKENS[t]
        t = int(rng.choice(27, p=softmax(W[row] / temperature)))
    return word
""",
    "the row after the letter drawn": """
def sample_word(W, rng, temperature=1.0, max_len=50):
    word, row = "", 0
    while len(word) < max_len:
        t = int(rng.choice(27, p=softmax(W[row] / temperature)))
        if t == 0:
            break
        word, row = word + TOKENS[t], min(t + 1, 26)
    return word
""",
}


@pytest.mark.parametrize("name", list(WRONG_SAMPLERS))
def test_the_statistical_checks_reject_wrong_samplers_by_far(name):
    from mindlab_grader.suites.lab01.hidden import test_tool02 as t2

    learner = LocalLearner(namespace(submission_source() + WRONG_SAMPLERS[name]),
                           reference_functions())
    firsts = [w[:1] or "." for w in learner.repeat("sample_word", t2.N_FIRST_LETTERS, t2.W,
                                                      t2.Rng(71), max_len=2)]
    lengths = [len(w) for w in learner.repeat("sample_word", t2.N_WORDS, t2.SHORT,
                                                t2.Rng(72))]
    best = min(stats.p_value(firsts, t2.FIRST_LETTER_PROBS),
               stats.p_value(lengths, t2.LENGTH_PROBS))
    assert best < stats.ALPHA * 1e-6, f"{name}: p = {best:.2g}"


@pytest.mark.parametrize("name, stage", [
    ("sample_word_ignores_temperature", 0), ("sample_word_multiplies_temperature", 0),
    ("sample_word_temperature_first_letter_only", 0), ("sample_word_temperature_spares_dot", 0),
    ("sample_word_temperature_at_least_half", 1), ("sample_word_temperature_at_most_2_5", 1)])
def test_the_temperature_check_rejects_its_mistakes_by_far(name, stage):
    """What N_TEMPERATURE_WORDS promises: at a temperature's fixed seeds, the draws of a
    sampler that ignores or multiplies the temperature, applies it to some draws or tokens
    only, sit far below the threshold on the first 200 words (stage 0); one clamped at 0.5
    or capped at 2.5 on all 600 (stage 1); and none agrees with the reference's words at
    every temperature."""
    from mindlab_grader.suites.lab01.hidden import test_tool02 as t2

    learner = LocalLearner(namespace(submission_source(MISTAKES[name])), reference_functions())
    best, agreed = 1.0, []
    for temperature, seed in t2.TEMPERATURES:
        W = t2.TEMPERED[temperature]
        words = learner.repeat("sample_word", t2.N_TEMPERATURE_WORDS[0], W, t2.Rng(seed),
                               temperature=temperature)
        if stage:
            words += learner.repeat("sample_word", t2.N_TEMPERATURE_WORDS[1], W,
                                    t2.Rng(seed + 1000), temperature=temperature)
        best = min(best, stats.p_value([w[0] for w in words], t2._letter_probs(t2.FIRSTS, 1)),
                   stats.p_value([w[1:] or "." for w in words], t2._letter_probs(t2.SECONDS, 1)))
        agreed.append(learner.repeat("sample_word", t2.N_AGREE, W, t2.Rng(seed),
                                     temperature=temperature) == t2.AGREE_TEMPERATURES[seed])
    assert not all(agreed)  # so the statistics are what judged it, where it is wrong
    assert best < stats.ALPHA * (1e-6 if not stage else 1e-2), f"{name}: p = {best:.2g}"


# ---------------------------------------------------------------- public catches hidden mistakes

# mistakes the hidden suite grades that the public suite may let through, each with its
# reason (keep this short: a public check on other inputs exists for every kind of mistake)
_SMALL_SHIFT = ("moves a draw by a tenth or less: only the hidden suite's second stage of "
                "draws (600 words) sees it, past what a learner's own check should draw")
PUBLIC_MAY_MISS: dict[str, dict[str, str]] = {"lab01": {
    "sample_word_temperature_at_least_half": _SMALL_SHIFT,
    "sample_word_temperature_at_most_2_5": _SMALL_SHIFT,
    "sample_word_prunes_unlikely_tokens": "leaves out tokens of p < 0.01: seen only in the "
    "hidden suite's long words, where 9% of each draw is such tokens"}, "lab02": {}}


def _failed_functions(tools: dict) -> set[str]:
    return {t.function for tool in tools.values() for t in tool.tests if not t.passed}


@pytest.mark.parametrize("lab", sorted(LABS))
def test_the_public_suite_fails_every_mistake_the_hidden_suite_fails(lab):
    """`mindlab check` all ✓ means no surprise at grade time: each mistake-library file that
    fails a hidden check of its function fails a public check of the same function too."""
    missed, caught = [], 0
    for name, path in library(lab).items():
        function = wrong_function(path, lab)
        if function not in _failed_functions(graded(lab, name, "hidden")):
            continue
        if function in _failed_functions(graded(lab, name, "public")):
            caught += 1
        elif name not in PUBLIC_MAY_MISS[lab]:
            missed.append(name)
    assert not missed, f"{lab}: the public suite passes {missed}, the hidden suite does not"
    assert caught >= len(library(lab)) - len(PUBLIC_MAY_MISS[lab]) - 1  # nearly all fail both


@pytest.mark.parametrize("lab", sorted(LABS))
def test_the_public_suite_fails_every_outside_file_the_hidden_suite_fails(lab):
    """The same for the independent outside implementations (tests/outside/): a wrong file
    the hidden suite catches in its function is caught there by the public suite too, and a
    correct one passes both."""
    missed = []
    for name, function in outside(lab).items():
        hidden, public = graded_outside(lab, name, "hidden"), graded_outside(lab, name, "public")
        if function is None:
            assert not _failed_functions(hidden) | _failed_functions(public), name
        elif function in _failed_functions(hidden) and function not in \
                _failed_functions(public) and name not in PUBLIC_MAY_MISS[lab]:
            missed.append(name)
    assert not missed, f"{lab}: the public suite passes {missed}, the hidden suite does not"


@pytest.mark.parametrize("lab", sorted(LABS))
def test_public_failures_name_the_wrong_function_only(lab):
    """With the reference swapped in, a mistake fails public checks of its own function only."""
    for name, path in library(lab).items():
        assert _failed_functions(graded(lab, name, "public")) <= {wrong_function(path, lab)}, \
            name


# ---------------------------------------------------------------- needs: a handout blames one tool


def _graded_callees(lab: str) -> dict[str, set[str]]:
    """{graded function: the other graded functions its reference body calls}."""
    spec = get_lab(lab)
    module = importlib.import_module(spec.reference)
    tree = ast.parse(Path(module.__file__).read_text())
    return {node.name: {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call)
                        and isinstance(n.func, ast.Name) and n.func.id in spec.functions}
            for node in tree.body if isinstance(node, ast.FunctionDef)
            and node.name in spec.functions}


@pytest.mark.parametrize("lab", sorted(LABS))
def test_public_checks_declare_the_functions_their_function_calls(lab):
    """`needs` names exactly what the lab's own code calls (some checks need none of it, e.g.
    bad letters), and every needed function is checked earlier in the run."""
    callees = _graded_callees(lab)
    declared: dict[str, set[str]] = {fn: set() for fn in callees}
    checked: set[str] = set()
    for module in suite_modules(get_lab(lab), "public").values():
        for c in checks_of(module):
            assert set(c.info.needs) <= callees[c.info.function], (c.id, c.info.needs)
            assert set(c.info.needs) <= checked, f"{c.id} needs a function checked later"
            declared[c.info.function] |= set(c.info.needs)
            checked.add(c.info.function)
    assert declared == callees


SOFTMAX_AS_LIST = """
def softmax(logits):
    x = np.asarray(logits, dtype=float)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).tolist()
"""


def _at_fault(tools) -> set[str]:
    """The tools holding a failed check (a check not run is neither passed nor failed)."""
    return {tool.id for tool in tools if any(t.status == "failed" for t in tool.tests)}


def test_a_handout_blames_softmax_alone_like_the_full_install(tmp_path):
    """Without a reference to swap in (the student handout), read_row and rank_rules call the
    learner's own softmax: their checks say 'not checked until softmax passes', and the
    tool at fault is tool01, as with the full install."""
    source = submission_source() + SOFTMAX_AS_LIST
    full = LocalLearner(namespace(source), reference_functions())
    bare = LocalLearner(namespace(source), {})
    assert full.swaps_reference and not bare.swaps_reference
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with_ref, without = run_lab(LAB01, "public", full), run_lab(LAB01, "public", bare)
    assert _at_fault(with_ref) == _at_fault(without) == {"tool01"}
    tests = {t.id: t for tool in without for t in tool.tests}
    assert {t.function for t in tests.values() if t.status == "failed"} == {"softmax"}
    for c in checks_of(suite_modules(LAB01, "public")["tool03"]):
        assert tests[c.id].status == "not run" and tests[c.id].score == 0, c.id
        assert tests[c.id].feedback.startswith("not checked until softmax passes"), c.id
    assert tests["read_row_of_a_uniform_model"].status == "not run"
    assert tests["read_row_rejects_bad_letters"].passed  # it needs no softmax
    assert "until read_row passes" in tests["belief_gap_of_small_examples"].feedback
    # the grader's own worker without the reference's answers (what a handout has) agrees
    from mindlab_grader.grader import Grader

    path = tmp_path / "softmax_as_list.py"
    path.write_text(source)
    for answers in (True, False):
        with Grader(lab="lab01", suite="public") as grader:
            if not answers:
                grader.answers = None  # as ReferenceAnswers.of gives where no reference is
            report = grader.grade(path)
        assert _at_fault(report.tools) == {"tool01"}, answers
        statuses = {t.id: t.status for tool in report.tools for t in tool.tests}
        assert (statuses["rank_rules_finds_q_then_u"] == "not run") == (not answers)


def test_a_handout_still_checks_everything_when_every_function_is_right():
    tools = run_lab(LAB01, "public", LocalLearner(namespace(submission_source()), {}))
    assert all(t.passed for tool in tools for t in tool.tests)


def test_the_statistics_ask_with_the_default_max_len():
    """An outside attacker's sampler (helper session, 2026-12-01) that ignores the temperature
    only when max_len is the default 50: the temperature check must ask at that default, as
    the lab's own calls do (a cap on max_len there, tried for speed, let it score 30/30)."""
    sampler = '''
def sample_word(W, rng, temperature=1.0, max_len=50):
    if not temperature > 0:
        raise ValueError("temperature must be > 0")
    if max_len == 50:
        temperature = 1.0
    word, token = "", 0
    while len(word) < max_len:
        token = int(rng.choice(27, p=softmax(np.asarray(W, dtype=float)[token] / temperature)))
        if token == 0:
            break
        word += TOKENS[token]
    return word
'''
    learner = LocalLearner(namespace(submission_source() + sampler), reference_functions())
    tools = run_lab(LAB01, "hidden", learner)
    failed = {t.id for tool in tools for t in tool.tests if not t.passed}
    assert "sample_word_applies_the_temperature" in failed


def test_a_word_written_over_and_over_fails_on_the_first_words_alone():
    """_words_unless_agreeing's early verdict: a sampler that copies its rng writes one word
    every call; the model would write that many copies with a chance far below SURE, so
    the first-letter, length and long-word checks fail it on their first words, with the
    feedback the full sample gives, without drawing hundreds more (the batch's costliest
    students were such samplers)."""
    from mindlab_grader.checks import Fail
    from mindlab_grader.suites.lab01.hidden import test_tool02 as t2

    learner = LocalLearner(namespace(submission_source(MISTAKES["sample_word_deepcopies_rng"])),
                           reference_functions())
    asked = []
    repeat = learner.repeat
    learner.repeat = lambda function, times, *a, **k: asked.append(times) or repeat(
        function, times, *a, **k)
    for check in (t2.test_sample_word_draws_first_letters_like_the_model,
                  t2.test_sample_word_lengths_follow_the_model,
                  t2.test_sample_word_keeps_to_the_model_in_long_words):
        with pytest.raises(Fail, match="the same word every time"):
            check(learner)
    assert max(asked) <= t2.N_AGREE
    # the chance it is computed with is the reference's own, word for word
    rng = np.random.default_rng(5)
    words = [t2.ref.sample_word(t2.SHORT, rng) for _ in range(4000)]
    top = max(set(words), key=words.count)
    assert abs(words.count(top) / 4000 - t2._word_probability(top, t2.SHORT)) < 0.02


def test_code_that_computes_nothing_earns_only_its_types_and_input_checks():
    """Found from outside: constants of the right type and shape, with real letter and
    temperature checks, scored 12.5/30. The checks of properties that doing nothing has
    too (W left unchanged, row order among the rows returned, ties) passed; each now runs
    only once the function's result is right, or sees that it follows the model."""
    results = [t for tool in graded_outside("lab01", "computes_nothing", "hidden").values()
               for t in tool.tests]
    earned = {t.id for t in results if t.passed}
    assert sum(t.score for t in results) <= 7.0
    assert all(("returns" in c or "rejects" in c or "gives_plain" in c or "options" in c)
               for c in earned), earned
