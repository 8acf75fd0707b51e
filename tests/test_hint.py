"""`mindlab hint FUNCTION`: one more hint each time, remembered in the cache dir; --reset."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from mindlab_core.lab01.hints import HINTS as LAB01_HINTS
from mindlab_core.lab02.hints import HINTS as LAB02_HINTS
from mindlab_grader.cli import main
from mindlab_grader.labs import LAB01, LAB02
from mindlab_labs import lab_file


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "mindlab" / "hints.json"


def _hint(*args):
    result = CliRunner().invoke(main, ["hint", *args])
    return result.exit_code, result.output


def test_every_graded_function_has_three_or_four_hints_and_none_is_code():
    for lab, hints in ((LAB01, LAB01_HINTS), (LAB02, LAB02_HINTS)):
        assert set(hints) == set(lab.functions)
        solution = lab_file("solutions", lab.id).read_text(encoding="utf-8").splitlines()
        code = [line.split("#")[0].strip() for line in solution]
        code = [line for line in code if len(line) > 15 and not line.startswith(('"', "'"))]
        for function, texts in hints.items():
            assert 3 <= len(texts) <= 4, function
            for text in texts:
                assert "def " not in text and "\n" not in text
                leaked = [line for line in code if line in text]
                assert not leaked, f"a hint for {function} holds solution code: {leaked}"


def test_hints_come_one_more_each_time_and_stop_at_the_last(cache):
    texts = LAB01_HINTS["softmax"]
    for asked in range(1, len(texts) + 2):
        code, output = _hint("softmax")
        assert code == 0, output
        shown = min(asked, len(texts))
        assert output.count("hint ") >= shown
        for number in range(shown):
            assert texts[number] in output
        for number in range(shown, len(texts)):
            assert texts[number] not in output
    assert "last hint" in output
    assert json.loads(cache.read_text())["lab01.softmax"] == len(texts)


def test_reset_starts_again_and_functions_are_counted_apart(cache):
    _hint("softmax")
    _hint("softmax")
    code, output = _hint("project")  # a lab 02 function: found without --lab
    assert code == 0 and LAB02_HINTS["project"][0] in output
    assert LAB02_HINTS["project"][1] not in output
    code, output = _hint("softmax", "--reset")
    assert code == 0 and "reset" in output
    assert json.loads(cache.read_text()) == {"lab02.project": 1}
    code, output = _hint("softmax")
    assert LAB01_HINTS["softmax"][0] in output and LAB01_HINTS["softmax"][1] not in output
    _hint("--reset")
    assert json.loads(cache.read_text()) == {}


def test_unknown_function_or_lab_is_a_usage_error(cache):
    code, output = _hint("softmaxx")
    assert code == 2 and "not a graded function" in output and "softmax" in output
    code, output = _hint("project", "--lab", "lab01")
    assert code == 2 and "of lab01" in output
    code, output = _hint()
    assert code == 2 and "mindlab hint softmax" in output


def test_a_broken_state_file_counts_as_no_hints(cache):
    cache.parent.mkdir(parents=True)
    cache.write_text("not json")
    code, output = _hint("read_row")
    assert code == 0 and "hint 1 of" in output
