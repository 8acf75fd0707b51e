"""The isolated runner: loading submissions, the Grader API, what the worker can see."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mindlab_grader.grader import Grader, grade_file, open_learner, suites_hash
from mindlab_grader.isolation import resolve_isolation
from mindlab_grader.isolation.bwrap import bwrap_problem
from mindlab_grader.loader import read_source, read_submission, strip_magics

ROOT = Path(__file__).resolve().parent.parent
ISOLATIONS = ["process", pytest.param("bwrap", marks=pytest.mark.skipif(
    bool(bwrap_problem()), reason=f"bubblewrap unusable here: {bwrap_problem()}"))]
FAST = {"call_timeout": 2.0, "load_timeout": 5.0}


def correct_source() -> str:
    """A correct lab01 submission: the shipped solution, or the reference core as a file."""
    solution = ROOT / "solutions" / "lab01.py"
    if solution.is_file() and "def greedy_decode" in solution.read_text(encoding="utf-8"):
        return solution.read_text(encoding="utf-8")
    core = (ROOT / "mindlab_core" / "lab01.py").read_text(encoding="utf-8")
    return core.replace("from .tokens import", "from mindlab_core.tokens import")


@pytest.fixture
def correct(tmp_path) -> Path:
    path = tmp_path / "lab01.py"
    path.write_text(correct_source(), encoding="utf-8")
    return path


# ---------------------------------------------------------------- loader


def test_py_file_is_one_cell_and_runs_as_imported_module():
    sub = read_source("lab01.py", b"x = 1\n")
    assert sub.cells == [("x = 1\n", "lab01.py")] and sub.module == "submission"
    assert sub.stop_on_error and not sub.problem


def test_py_file_honours_bom_and_coding_cookie():
    assert read_source("a.py", b"\xef\xbb\xbfx = 1\n").cells[0][0] == "x = 1\n"
    latin = "# -*- coding: latin-1 -*-\ns = 'café'\n".encode("latin-1")
    assert "café" in read_source("a.py", latin).cells[0][0]


def test_bad_encoding_is_a_problem_sentence_not_an_exception():
    sub = read_source("lab01.py", b"x = 1\n# caf\xe9\n")
    assert "not valid utf-8 text (byte 0xe9 on line 2)" in sub.problem and not sub.cells


def _notebook(*sources, cell_type="code") -> bytes:
    cells = [{"cell_type": cell_type, "metadata": {}, "source": s} for s in sources]
    return json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 5,
                       "metadata": {}}).encode()


def test_notebook_code_cells_in_order_magics_dropped_with_a_note():
    data = _notebook(["%matplotlib inline\n", "x = 1\n"], "!ls\ny = 2\n", "%%bash\nls\n")
    sub = read_submission_from_bytes("lab01.ipynb", data)
    assert sub.cells == [("\nx = 1\n", "lab01.ipynb [cell 1]"),
                         ("\ny = 2\n", "lab01.ipynb [cell 2]")]
    assert sub.module == "__main__" and not sub.stop_on_error
    assert "4 IPython magic or shell line(s)" in sub.notes[0]  # %%bash: its 2 lines


def read_submission_from_bytes(name: str, data: bytes):
    return read_source(name, data)


def test_markdown_cells_are_ignored():
    sub = read_source("a.ipynb", _notebook("# title", cell_type="markdown"))
    assert sub.cells == [] and not sub.problem


@pytest.mark.parametrize("data, words", [
    (b'{"cells": [', "JSON is broken at line 1"),
    (bytes(range(256)), "JSON is broken"),
    (b"[1, 2]", "not a Jupyter notebook"),
    (b'{"nbformat": 4}', "not a Jupyter notebook"),
])
def test_unreadable_notebooks_are_problem_sentences(data, words):
    assert words in read_source("lab01.ipynb", data).problem


def test_strip_magics_keeps_line_numbers_and_timed_cells():
    assert strip_magics("%%time\nx = 1\n") == ("\nx = 1\n", 1)
    assert strip_magics("a = 1\n  %time b\n") == ("a = 1\n\n", 1)


def test_read_submission_refuses_other_suffixes(tmp_path):
    (tmp_path / "lab01.txt").write_text("x")
    with pytest.raises(ValueError, match=r"\.py file or a \.ipynb"):
        read_submission(tmp_path / "lab01.txt")


# ---------------------------------------------------------------- isolation choice


def test_auto_isolation_is_process_for_check_and_bwrap_for_grade_when_it_works():
    assert resolve_isolation("auto", "public") == "process"
    assert resolve_isolation("process", "hidden") == "process"
    assert resolve_isolation("auto", "hidden") == ("process" if bwrap_problem() else "bwrap")
    with pytest.raises(ValueError, match="unknown isolation"):
        resolve_isolation("docker")


# ---------------------------------------------------------------- the Grader


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_correct_submission_gets_full_marks_with_provenance(correct, isolation):
    report = grade_file(correct, isolation=isolation, **FAST)
    assert report.status == "graded", report.notes
    assert report.score == report.max_score == 30.0
    assert report.notes == [] and report.integrity == []
    prov = report.provenance
    assert prov["isolation"] == isolation and prov["numpy"] == np.__version__
    assert prov["suites_sha256"] == suites_hash("lab01", "hidden")
    assert {"mindlab", "python", "seconds"} <= set(prov)


def test_one_grader_grades_many_and_a_notebook_too(correct, tmp_path):
    nb = tmp_path / "alice.ipynb"
    nb.write_bytes(_notebook(correct.read_text()))
    with Grader(suite="public", isolation="process", **FAST) as grader:
        first = grader.grade(correct, name="bob")
        second = grader.grade(nb, name="alice")
    assert first.score == second.score == first.max_score
    assert second.provenance["name"] == "alice"


def test_grader_faults_are_error_reports_not_exceptions(tmp_path):
    with Grader(suite="public", isolation="process", **FAST) as grader:
        missing = grader.grade(tmp_path / "nobody.py")
        wrong = grader.grade(tmp_path / "x.txt")
    for report in (missing, wrong):
        assert report.status == "error" and report.notes and report.tools == []


def test_bad_options_raise_value_error():
    with pytest.raises(ValueError, match="unknown lab"):
        Grader(lab="lab99")
    with pytest.raises(ValueError, match="unknown suite"):
        Grader(suite="secret")


def test_suites_hash_is_a_stable_sha256():
    assert len(suites_hash("lab01")) == 64
    assert suites_hash("lab01", "hidden") == suites_hash("lab01", "hidden")
    assert suites_hash("lab01", "hidden") != suites_hash("lab01", "public")


BROKEN = '''
import numpy as np

def helper(x):
    return x[99]          # IndexError for a (27,) row

def softmax(logits):
    return helper(np.asarray(logits)[0])
'''


def test_verbose_adds_the_learners_traceback_only_their_frames(tmp_path):
    path = tmp_path / "lab01.py"
    path.write_text(BROKEN)
    with Grader(suite="public", isolation="process", verbose=True, **FAST) as grader:
        report = grader.grade(path)
    feedback = [t.feedback for tool in report.tools for t in tool.tests
                if t.function == "softmax" and "Your traceback" in t.feedback]
    assert feedback, [t.feedback for tool in report.tools for t in tool.tests]
    assert 'lab01.py", line 5, in helper' in feedback[0]
    assert "worker.py" not in feedback[0] and "checks.py" not in feedback[0]


def test_hidden_suite_feedback_never_echoes_the_learners_message(tmp_path):
    path = tmp_path / "lab01.py"
    path.write_text("def softmax(logits):\n    raise ValueError(repr(logits))\n")
    report = grade_file(path, isolation="process", **FAST)
    text = json.dumps(report.to_json())
    assert "array(" not in text and "raised ValueError" in text


def test_open_learner_calls_across_the_channel(correct):
    with open_learner(correct, "lab01") as learner:
        p = learner.softmax(np.zeros((2, 3)))
        W = np.zeros((27, 27))
        W[0, 1] = W[1, 1] = 1.0  # . -> a -> a -> ...
        words = learner.repeat("greedy_decode", 3, W, max_len=2)
    assert isinstance(p, np.ndarray) and np.allclose(p, 1 / 3)
    assert words == ["aa", "aa", "aa"]


PROBE = '''
import os
import socket

def softmax(logits):
    seen = {{"cwd": os.listdir("."), "pid": os.getpid()}}
    for name, path in {paths!r}.items():
        try:
            with open(path, "rb") as f:
                seen[name] = len(f.read())
        except OSError:
            seen[name] = -1
    try:
        import mindlab_grader.suites  # noqa: F401
        seen["import"] = True
    except ImportError:
        seen["import"] = False
    try:
        socket.create_connection(("1.1.1.1", 53), timeout=0.5).close()
        seen["net"] = True
    except OSError:
        seen["net"] = False
    return seen
'''


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_what_the_worker_can_see(tmp_path, isolation):
    paths = {"suite": str(ROOT / "autograder/suites/lab01/hidden/test_tool01.py"),
             "reference": str(ROOT / "mindlab_core/lab01/reference.py"),
             "runner": str(ROOT / "autograder/grader.py")}
    path = tmp_path / "lab01.py"
    path.write_text(PROBE.format(paths=paths))
    with open_learner(path, "lab01", isolation=isolation) as learner:
        seen = learner.softmax(np.zeros(3))
    assert seen["cwd"] == [] and seen["import"] is False  # empty folder, grader hidden
    if isolation == "bwrap":  # files hidden, no network, own PID namespace
        assert seen["suite"] == seen["runner"] == -1 and seen["reference"] <= 0
        assert seen["net"] is False and seen["pid"] < 100


def test_hidden_suite_feedback_drops_class_names_made_from_inputs(tmp_path):
    path = tmp_path / "lab01.py"
    path.write_text("def softmax(logits):\n"
                    "    return type('L' + str(len(repr(logits))), (), {})()\n"
                    "def read_row(W, letter):\n"
                    "    raise type('E' + str(W.shape[0]), (ValueError,), {})()\n")
    report = grade_file(path, isolation="process", **FAST)
    text = json.dumps(report.to_json())
    assert "submission.L" not in text and "E27" not in text
    assert "a class of your own" in text


def test_a_graded_name_taken_from_mindlab_core_earns_nothing(tmp_path, correct):
    path = tmp_path / "borrow.py"
    path.write_text(correct.read_text() + "\nfrom mindlab_core.bigram import count_bigrams as "
                    "data_row  # noqa\n")
    report = grade_file(path, suite="public", isolation="process", **FAST)
    assert any("data_row" in line and "mindlab_core.bigram" in line for line in report.integrity)
    assert all(t.score == 0 for tool in report.tools for t in tool.tests
               if t.function == "data_row")


def test_bwrap_never_covers_its_private_tmp_with_the_real_one(monkeypatch):
    """A script run from /tmp puts /tmp on sys.path: the sandbox must keep its own /tmp."""
    import sys

    from mindlab_grader.isolation.bwrap import bwrap_command
    from mindlab_grader.labs import get_lab

    monkeypatch.setattr(sys, "path", ["/tmp", "/", *sys.path])
    args = bwrap_command(["true"], get_lab("lab01"))
    pairs = list(zip(args, args[1:], args[2:]))
    assert ("--ro-bind", "/tmp", "/tmp") not in pairs
    assert ("--ro-bind", "/", "/") not in pairs


@pytest.mark.parametrize("suffix", [".py", ".ipynb"])
def test_a_cell_that_hangs_while_loading_costs_only_that_cell(tmp_path, suffix):
    """A stray endless loop in one cell of a notebook (or percent .py): the cell is
    skipped with a note, the cells after it still run, the functions keep their grade."""
    import jupytext

    source = (ROOT / "solutions" / "lab01.py").read_text(encoding="utf-8")
    source += "\n# %%\nwhile True:\n    pass\n\n# %%\nafter_the_loop = 1\n"
    path = tmp_path / f"lab01{suffix}"
    if suffix == ".py":
        path.write_text(source, encoding="utf-8")
    else:
        jupytext.write(jupytext.reads(source, fmt="py:percent"), str(path))
    report = grade_file(path, isolation="process", call_timeout=2.0, load_timeout=2.0)
    assert report.status == "graded" and report.score == report.max_score
    assert any("did not finish loading in time" in n and "skipped" in n for n in report.notes)


def test_a_plain_py_that_hangs_at_import_still_scores_zero(tmp_path):
    """Without cells there is nothing to skip: the file never finished loading."""
    path = tmp_path / "lab01.py"
    path.write_text(correct_source().replace("# %%", "#") + "\nwhile True:\n    pass\n")
    report = grade_file(path, isolation="process", call_timeout=2.0, load_timeout=1.0)
    assert report.status == "graded" and report.score == 0
    assert any("did not finish loading" in n for n in report.notes)


# ---------------------------------------------------------------- several calls, one round trip


def test_calls_answer_each_case_in_order_across_the_channel(correct):
    with open_learner(correct, "lab01") as learner:
        W = np.zeros((27, 27))
        outs = learner.calls("read_row", [((W, "a"), {}), ((W, "A"), {}), ((W, "."), {})])
    assert [o.raised is None for o in outs] == [True, False, True]
    assert outs[1].raised.is_a(ValueError) and np.allclose(outs[2].value, 1 / 27)


def test_an_unwatched_request_is_not_compared_and_the_worker_is_never_told(tmp_path,
                                                                           monkeypatch):
    """watch=False (a check that never looks at mutation) spares the judge comparing the
    arguments: mutated stays empty though the function writes into W; watched, the judge
    sees it. The worker is never told which (an outside helper's submission read `keep`
    from its frames and wrote into its inputs only where nobody looked)."""
    path = tmp_path / "lab01.py"
    path.write_text(correct_source() + (
        "\n_ablate = ablate_column\n\ndef ablate_column(W, letter):\n"
        "    out = _ablate(W, letter)\n    W[0, 0] = 7.0\n    return out\n"), encoding="utf-8")
    from mindlab_grader import exchange

    sent: list[dict] = []
    send = exchange.protocol.send_message
    monkeypatch.setattr(exchange.protocol, "send_message",
                        lambda sock, message, **kw: (sent.append(message), send(sock, message,
                                                                                **kw))[1])
    W = np.zeros((27, 27))
    with open_learner(path, "lab01") as learner:
        unwatched = learner.calls("ablate_column", [((W, "a"), {}), ((W, "b"), {})],
                                  watch=False)
        watched = learner.calls("ablate_column", [((W, "a"), {}), ((W, "b"), {})])
    assert [o.mutated for o in unwatched] == [(), ()]
    assert [o.mutated for o in watched] == [(0,), (0,)]
    assert all(np.isneginf(o.value[:, 1 + i]).all() for i, o in enumerate(unwatched))
    calls = [m for m in sent if m.get("op") == "calls"]
    assert len(calls) == 2 and calls[0].keys() == calls[1].keys()  # the same request


def test_a_case_that_hangs_in_a_batch_is_held_to_one_calls_limit(tmp_path):
    """read_row hangs for 'q' only: the batched check that reaches 'q' times out (and
    read_row's later checks fail at once), while the other functions keep their grade."""
    path = tmp_path / "lab01.py"
    path.write_text(correct_source() + (
        "\n_read_row = read_row\n\ndef read_row(W, letter):\n"
        "    while letter == 'q':\n        pass\n    return _read_row(W, letter)\n"),
        encoding="utf-8")
    report = grade_file(path, isolation="process", call_timeout=1.0, load_timeout=5.0)
    tests = {t.id: t for tool in report.tools for t in tool.tests}
    assert "did not finish in time" in tests["read_row_matches_the_model"].feedback
    assert all(t.passed for t in tests.values() if t.function != "read_row")
    assert report.status == "graded"


def test_one_uncarriable_value_in_a_batch_spoils_only_its_case(tmp_path):
    path = tmp_path / "lab01.py"
    path.write_text(correct_source() + (
        "\n_data_row = data_row\n\ndef data_row(counts, letter):\n"
        "    if letter == 'z':\n        return np.zeros(9 * 2**20)\n"  # 72 MiB: over the cap
        "    return _data_row(counts, letter)\n"), encoding="utf-8")
    with open_learner(path, "lab01") as learner:
        counts = np.ones((27, 27), dtype=np.int64)
        outs = learner.calls("data_row", [((counts, "a"), {}), ((counts, "z"), {})])
    assert np.allclose(outs[0].value, 1 / 27)
    assert "too large to carry" in repr(outs[1].value)


FORGED_NAMES = '''
import gc

def _tag(W):
    return "LEAK" + str(int(abs(float(W[1, 1])) * 1e6))

def read_row(W, letter):  # an object of a class that claims to be a builtin
    return type(_tag(W), (), {"__module__": "builtins"})()

def data_row(counts, letter):  # an exception class that claims to be a builtin
    raise type(_tag(counts), (ValueError,), {"__module__": "builtins"})("x")

def rank_rules(W, top=None):  # the channel's own stand-in, found and forged
    gc.unfreeze()
    stand_in = next(o for o in gc.get_objects() if isinstance(o, type)
                    and o.__name__ == "Unsupported" and "wire" in o.__module__)
    return stand_in(_tag(W))
'''


def test_hidden_feedback_names_only_what_the_judge_can_vouch_for(tmp_path):
    """Class names, exception names and the channel's own stand-in can all be forged by
    learner code; hidden feedback must never carry text made from a hidden input."""
    path = tmp_path / "lab01.py"
    path.write_text(correct_source() + FORGED_NAMES, encoding="utf-8")
    report = grade_file(path, isolation="process", **FAST)
    text = json.dumps(report.to_json())
    assert "LEAK" not in text
    assert "a class of your own" in text and "an exception of your own" in text


def test_a_later_case_that_hangs_costs_nothing_when_an_earlier_one_already_failed(tmp_path):
    """As if called one by one: read_row is wrong for 'a' (the first case) and hangs for
    'z' (the last); the check says what is wrong for 'a', and read_row's other checks
    still run (nothing reached the hang)."""
    path = tmp_path / "lab01.py"
    path.write_text(correct_source() + (
        "\n_read_row = read_row\n\ndef read_row(W, letter):\n"
        "    while letter == 'z':\n        pass\n"
        "    if letter == 'a':\n        return W[1]\n"  # the raw logits: a known mistake
        "    return _read_row(W, letter)\n"), encoding="utf-8")
    report = grade_file(path, isolation="process", call_timeout=1.0, load_timeout=5.0)
    tests = {t.id: t for tool in report.tools for t in tool.tests}
    matches = tests["read_row_matches_the_model"]
    # wrong for one case of eight, cut off by the hang: the plain observation, no hint
    assert not matches.passed and "is not the belief" in matches.feedback
    assert "did not finish" not in matches.feedback
    assert tests["read_row_reads_the_first_letter_row"].passed


def test_a_crash_in_a_batch_keeps_the_cases_before_it(correct, tmp_path):
    path = tmp_path / "lab01.py"
    path.write_text(correct_source() + (
        "\nimport os\n_data_row = data_row\n\ndef data_row(counts, letter):\n"
        "    if letter == 'z':\n        os._exit(3)\n"
        "    return _data_row(counts, letter)\n"), encoding="utf-8")
    with open_learner(path, "lab01") as learner:
        counts = np.ones((27, 27), dtype=np.int64)
        outs = learner.calls("data_row", [((counts, "a"), {}), ((counts, "z"), {}),
                                          ((counts, "b"), {})])
        assert np.allclose(outs[0].value, 1 / 27)
        assert outs[1].problem is not None and outs[2].problem is outs[1].problem
        assert "exited with status 3" in outs[1].problem.detail
        again = learner.call("data_row", counts, "b")  # nothing reached it: not cut off
    assert np.allclose(again.value, 1 / 27)
