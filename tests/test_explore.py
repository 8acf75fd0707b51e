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


def test_bad_letter_and_lab_are_usage_errors():
    with pytest.raises(ExploreError):
        build_data("lab01", letter="Q")
    result = CliRunner().invoke(main, ["explore", "--lab", "lab09"])
    assert result.exit_code == 2 and "unknown lab" in result.output
