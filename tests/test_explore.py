"""`mindlab explore`: the pages, driven in a real browser (headless Chromium via Playwright)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from mindlab_core.bigram import trained_model
from mindlab_core.lab01 import reference as ref
from mindlab_core.lab02 import directions, findings
from mindlab_core.lab02 import reference as ref02
from mindlab_grader.cli import main
from mindlab_grader.explore import ExploreError, build_data

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def browser_missing(what: str) -> None:
    """Fail in CI (which installs chromium and playwright); skip on a machine without them."""
    message = (f"{what} is needed to test the explore pages in a browser "
               "(CI installs both: apt-get install chromium; pip install -e '.[test]')")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def mistaken_lab01(folder: Path) -> Path:
    """A lab01 file with three mistakes: read_row reads the row before, sample_word never
    stops at max_len (it hangs once '.' is cut), rank_rules raises."""
    tokens = (ROOT / "mindlab_core" / "tokens.py").read_text()
    code = (ROOT / "mindlab_core" / "lab01" / "reference.py").read_text()
    code = code.replace("from ..tokens import BOUNDARY, TOKENS, VOCAB, index\n", "")
    code = code.replace("from __future__ import annotations\n", "")
    swaps = [("np.asarray(W)[index(letter)])", "np.asarray(W)[index(letter) - 1])"),
             ("while len(letters) < max_len:\n        probs", "while True:\n        probs"),
             ("    probs = softmax(np.asarray(W, dtype=np.float64))\n    best",
              "    raise ZeroDivisionError('no rules today')\n    best")]
    for old, new in swaps:
        assert old in code, old
        code = code.replace(old, new)
    path = folder / "mistaken_lab01.py"
    path.write_text(tokens + "\n" + code)
    return path


def mistaken_lab02(folder: Path) -> Path:
    """A lab02 file with three tool 04 mistakes: mean_difference_direction returns NaNs,
    project raises, cosine_similarity returns the plain dot product (no division by the
    lengths)."""
    code = (ROOT / "mindlab_core" / "lab02" / "reference.py").read_text()
    swaps = [("from ..tokens import", "from mindlab_core.tokens import"),
             ("    return diff / np.linalg.norm(_vector(diff, "
              "\"the difference of the two means\"))",
              "    return diff * np.nan"),
             ("    return X @ (direction / np.linalg.norm(direction))",
              "    raise ZeroDivisionError('no projections today')"),
             ("    cos = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))\n"
              "    return min(1.0, max(-1.0, cos))", "    return float(u @ v)")]
    for old, new in swaps:
        assert old in code, old
        code = code.replace(old, new)
    path = folder / "mistaken_lab02.py"
    path.write_text(code)
    return path


def explore(folder: Path, name: str, *args: str) -> Path:
    """`mindlab explore ARGS --out folder/name.html`, which must succeed."""
    page = folder / f"{name}.html"
    result = CliRunner().invoke(main, ["explore", *args, "--out", str(page)])
    assert result.exit_code == 0, result.output
    assert f"wrote {page}" in result.output
    return page


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("explore")
    return {"reference": explore(folder, "reference"),
            "mistaken": explore(folder, "mistaken", str(mistaken_lab01(folder)))}


@pytest.fixture(scope="module")
def lab02_page(tmp_path_factory) -> Path:
    return explore(tmp_path_factory.mktemp("explore02"), "lab02", "--lab", "lab02")


@pytest.fixture(scope="module")
def mistaken_lab02_page(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("explore02m")
    return explore(folder, "lab02m", "--lab", "lab02", str(mistaken_lab02(folder)))


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        browser_missing("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_missing("playwright")
    with sync_playwright() as play:
        chrome = play.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chrome
        chrome.close()


def open_page(browser, path: Path):
    """The page opened from file://, and the list its console errors are collected in."""
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: errors.append(f"fetched {r.url}")
            if not r.url.startswith(("file:", "data:")) else None)
    page.goto(path.as_uri())
    return page, errors


def bar(page, token: str) -> float:
    return float(page.get_attribute(f"#bars rect.bar[data-token='{token}']", "data-belief"))


def words(page, box: str) -> list[str]:
    return page.eval_on_selector_all(f"#{box} li.word", "els => els.map(e => e.dataset.word)")


def test_reference_page_clicks_show_the_reference_values(browser, pages):
    W, counts = trained_model().W, trained_model().counts
    page, errors = open_page(browser, pages["reference"])
    page.click("#letters button[data-pick='e']")
    assert bar(page, "a") == pytest.approx(ref.read_row(W, "e")[1], abs=1e-4)
    page.click("#letters button[data-pick='q']")
    assert bar(page, "u") == pytest.approx(ref.read_row(W, "q")[21], abs=1e-4)
    assert float(page.get_attribute("#gap", "data-gap")) == pytest.approx(
        ref.belief_gap(W, counts, "q"), abs=1e-4)
    page.click("#cols button[data-pick='col1']")  # cut 'a' first, then '.'
    assert any(len(w) < 20 for w in words(page, "after"))
    page.click("#cols button[data-pick='col0']")
    after = words(page, "after")
    assert len(after) == 8 and all(len(w) == 20 for w in after)
    rng = np.random.default_rng(0)
    assert after == [ref.sample_word(ref.ablate_column(W, "."), rng, max_len=20)
                     for _ in range(8)]
    assert page.locator("#matrix rect.dark").count() == 27
    page.click("#rows button[data-pick='row0']")  # after '.' only '.': every word is empty
    assert words(page, "after") == [""] * 8
    page.click("#cells button[data-pick='cell17']")  # q -> u cut
    assert page.locator("#matrix rect.dark").count() == 1
    assert page.inner_text("#greedyWord") == f"'{ref.greedy_decode(W)}'"
    assert "after q, the model writes u 94% of the time" in page.inner_text("#rules")
    assert "reference answers" in page.inner_text("#source")
    assert page.locator("li.fail, li.differ").count() == 0
    assert errors == []


def test_mistaken_file_page_names_each_failing_function(browser, pages):
    W = trained_model().W
    page, errors = open_page(browser, pages["mistaken"])
    page.click("#letters button[data-pick='q']")  # the mistake reads the row before: 'p'
    assert bar(page, "u") == pytest.approx(ref.read_row(W, "p")[21], abs=1e-4)
    assert "your read_row differs from the reference" in page.inner_text("#p01")
    page.click("#cols button[data-pick='col0']")
    assert "your sample_word did not finish in time" in page.inner_text("#p02")
    assert "reference shown: your sample_word failed" in page.inner_text("#after")
    assert all(len(w) == 20 for w in words(page, "after"))
    assert "your rank_rules raised ZeroDivisionError: no rules today" in page.inner_text("#p03")
    assert "reference shown: your rank_rules failed" in page.inner_text("#tool03")
    assert errors == []


def test_lab02_page_pickers_work(browser, lab02_page):
    page, errors = open_page(browser, lab02_page)
    first = page.inner_text("#lens")
    page.locator("#names button").nth(1).click()
    assert page.inner_text("#lens") != first
    page.click("#heads button[data-pick='1,2']")
    assert "induction" in page.inner_text("#headInfo")
    stripe = float(page.get_attribute("#pattern", "data-stripe"))
    assert stripe > 0.5
    page.click("#sparsities button[data-pick='4']")
    assert page.locator("#arrows line.feature").count() == 5
    assert page.locator("#sae line.latent").count() >= 5
    assert errors == []


def strip(page) -> dict[str, dict]:
    """Each dot of tool 04's strip: {token: its data-* attributes and centre x}."""
    return {d["token"]: d for d in page.eval_on_selector_all("#strip circle.letter", """els =>
        els.map(e => ({...e.dataset, x: +e.getAttribute('cx')}))""")}


def cosine_shown(page) -> float:
    return float(page.get_attribute("#cosine", "data-cosine"))


def test_lab02_tool04_data_is_the_reference():
    data = build_data("lab02")["directions"]
    scores, threshold = findings.letter_scores(), findings.vowel_threshold()
    assert data["scores"] == pytest.approx([scores[t] for t in data["tokens"]], abs=1e-3)
    assert data["threshold"] == pytest.approx(threshold, abs=1e-3)
    shown = dict(zip(data["tokens"], data["scores"]))
    # docs/lab02-contract.md, "What the lab shows": the held-out letters land on their side
    assert (data["held_vowels"], data["held_consonants"]) == ("iu", "jvwxz")
    assert all(shown[c] > data["threshold"] for c in "iu")
    assert all(shown[c] < data["threshold"] for c in "jvwxz")
    X = directions.letter_vectors()
    C = np.array(data["cosines"])
    assert C.shape == (27, 27) and np.allclose(C, C.T)
    for a, b in [("a", "e"), ("a", "t"), (".", "q"), ("x", "x")]:
        i, j = data["tokens"].index(a), data["tokens"].index(b)
        assert C[i, j] == pytest.approx(ref02.cosine_similarity(X[i], X[j]), abs=1e-3)
    assert data["problems"] == [] and data["differs"] == []


def test_lab02_tool04_strip_hover_and_cosine_pickers(browser, lab02_page):
    scores, threshold = findings.letter_scores(), findings.vowel_threshold()
    X = directions.letter_vectors()
    page, errors = open_page(browser, lab02_page)
    assert "FEATURES ARE DIRECTIONS" in page.inner_text("#dirSection .tag")
    dots = strip(page)
    assert set(dots) == set(scores)
    for t, dot in dots.items():
        assert float(dot["score"]) == pytest.approx(scores[t], abs=1e-3)
    line = page.locator("#strip #threshold")
    assert float(line.get_attribute("data-threshold")) == pytest.approx(threshold, abs=1e-3)
    at = float(line.get_attribute("x1"))  # drawn: i u right of the threshold, j v w x z left
    assert all(dots[c]["x"] > at for c in "iu") and all(dots[c]["x"] < at for c in "jvwxz")
    assert {t for t, d in dots.items() if d["held"] == "true"} == set("iujvwxz")
    assert dots["i"]["kind"] == "vowel" and dots["j"]["kind"] == "consonant"
    assert dots["q"]["kind"] == dots["y"]["kind"] == "other"
    held = page.inner_text("#heldOut")
    assert held.count("\u2713") == 7 and "\u2717" not in held
    page.hover("#strip circle.letter[data-token='x']")
    assert f"x: its row projects to \u2212{-scores['x']:.2f}" in page.inner_text("#hover")
    assert "consonant side" in page.inner_text("#hover")
    page.hover("#strip circle.letter[data-token='u']")
    assert "vowel side" in page.inner_text("#hover") and "held out" in page.inner_text("#hover")
    a, e, t, h = (directions.rows_of(X, c)[0] for c in "aeth")
    assert cosine_shown(page) == pytest.approx(ref02.cosine_similarity(a, e), abs=1e-3)
    page.click("#cosA button[data-pick='t']")
    page.click("#cosB button[data-pick='h']")
    assert cosine_shown(page) == pytest.approx(ref02.cosine_similarity(t, h), abs=1e-3)
    assert "rows most like t's: h " in page.inner_text("#cosInfo")
    page.click("#strip circle.letter[data-token='a']")  # a dot picks the first letter
    assert page.get_attribute("#cosA button[data-pick='a']", "aria-pressed") == "true"
    assert cosine_shown(page) == pytest.approx(ref02.cosine_similarity(a, h), abs=1e-3)
    rings = page.eval_on_selector_all("#strip circle.ring", "els => els.map(e => e.dataset.token)")
    assert sorted(rings) == ["a", "h"]
    assert page.locator("#p04 li").count() == 0
    assert errors == []


def test_lab02_mistaken_tool04_is_named_and_the_learners_cosines_shown(browser,
                                                                      mistaken_lab02_page):
    scores, X = findings.letter_scores(), directions.letter_vectors()
    page, errors = open_page(browser, mistaken_lab02_page)
    problems = page.inner_text("#p04")
    assert "your project raised ZeroDivisionError: no projections today" in problems
    assert "your cosine_similarity differs from the reference" in problems
    assert "your mean_difference_direction returned a ndarray of the wrong shape or kind " \
           "(or NaN or inf where a number belongs)" in problems
    assert all(page.inner_text(f"#p0{k}") == "" for k in (5, 6, 7))
    for t, dot in strip(page).items():  # project failed: the reference's projections
        assert float(dot["score"]) == pytest.approx(scores[t], abs=1e-3)
    page.click("#cosA button[data-pick='t']")  # the learner's own answer, from its worker
    page.click("#cosB button[data-pick='h']")
    t, h = (directions.rows_of(X, c)[0] for c in "th")
    assert cosine_shown(page) == pytest.approx(float(t @ h), abs=1e-3)
    assert errors == []


def test_bad_letter_and_lab_are_usage_errors():
    with pytest.raises(ExploreError):
        build_data("lab01", letter="Q")
    result = CliRunner().invoke(main, ["explore", "--lab", "lab09"])
    assert result.exit_code == 2 and "unknown lab" in result.output
