"""Answers sent ahead (answers.ReferenceAnswers.ahead, suites/lab01/likely.py).

The judge sends, with each request, the reference's answers to the questions the call is
likely to ask of the other graded functions, so a worker need not ask them one by one.
They must depend on the arguments alone (never on the path the function under test
takes), never answer for the function under test, and change no verdict: a learner who
asks other questions is answered as before.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from mistakes import submission_source

from mindlab_grader import exchange
from mindlab_grader.answers import ReferenceAnswers
from mindlab_grader.grader import Grader
from mindlab_grader.labs import LAB01
from mindlab_grader.worker.protocol import Rng

W = np.random.default_rng(0).normal(size=(27, 27))
COUNTS = np.random.default_rng(1).integers(0, 9, size=(27, 27))
CALLS = {
    "softmax": ([W[3]], {}),
    "read_row": ([W, "q"], {}),
    "data_row": ([COUNTS, "q"], {}),
    "belief_gap": ([W, COUNTS, "q"], {}),
    "ablate_column": ([W, "e"], {}),
    "sample_word": ([W, Rng(3)], {"temperature": 0.5}),
    "rank_rules": ([W], {"top": 3}),
    "greedy_decode": ([W, 7], {}),
}


@pytest.fixture(scope="module")
def answers() -> ReferenceAnswers:
    found = ReferenceAnswers.of(LAB01)
    assert found is not None and found.likely is not None
    return found


@pytest.mark.parametrize("function", LAB01.functions)
def test_never_the_answer_of_the_function_under_test(answers, function):
    sent = answers.ahead(function, [list(CALLS[function])])
    assert all(q["function"] != function for _, q, _ in sent)
    assert all(q["function"] in LAB01.functions for _, q, _ in sent)


def test_sampling_gets_every_row_whatever_the_draws(answers):
    """sample_word's questions are softmax of all 27 rows: the same for every seed, so
    what is sent says nothing about the word the reference would draw."""
    def sent(seed: int) -> list[bytes]:
        from mindlab_grader.worker import wire

        return [wire.encode(q) for _, q, _ in answers.ahead(
            "sample_word", [[[W, Rng(seed)], {"temperature": 1.0}]])]

    assert len(sent(0)) == 27
    assert sent(0) == sent(1) == sent(99)


@pytest.mark.parametrize("function, args, kwargs", [
    # index(letter) and whether a letter has a row at all are read_row's own work
    ("read_row", [W, "q"], {}), ("read_row", [W, "A"], {}),
    # dividing by the temperature is sample_word's work: only t = 1 (W[i] / 1 is W[i])
    ("sample_word", [W, Rng(3)], {"temperature": 0.5}), ("sample_word", [W, Rng(3), 2.0], {}),
])
def test_nothing_sent_ahead_does_the_work_of_the_function_under_test(answers, function, args,
                                                                     kwargs):
    """Found from outside: a read_row without the token order learnt each letter's row
    (and which letters are bad) from softmax(W[index(letter)]) sent ahead, and a
    sample_word that never divides by the temperature read the tempered rows."""
    assert answers.ahead(function, [[args, kwargs]]) == []


def test_unreadable_arguments_send_nothing(answers):
    assert answers.ahead("sample_word", [[[W, Rng(0)], {"temperature": "hot"}]]) == []
    assert answers.ahead("rank_rules", [[["not a matrix"], {}]]) == []
    assert answers.ahead("sample_word", [[[], {}]]) == []


def _graded(path, monkeypatch) -> tuple[float, list]:
    """(score, [(function under test, function asked about)] for each question the worker
    asked the judge) for one hidden grade of `path`."""
    asked = []
    original = exchange.Exchange._answer

    def counting(self, question):
        asked.append((self.function, question.get("function")))
        return original(self, question)

    monkeypatch.setattr(exchange.Exchange, "_answer", counting)
    with Grader(lab="lab01", suite="hidden", isolation="process") as grader:
        report = grader.grade(path)
    return report.score, asked


def test_the_solution_asks_only_what_cannot_be_sent_ahead(tmp_path, monkeypatch):
    """Everything belief_gap, rank_rules and greedy_decode ask, and sample_word at the
    default temperature, is sent ahead; read_row and a tempered sample_word still ask."""
    path = tmp_path / "lab01.py"
    path.write_text(submission_source(), encoding="utf-8")
    score, asked = _graded(path, monkeypatch)
    assert score == 30.0
    assert {under for under, _ in asked} <= {"read_row", "sample_word"}, asked
    assert 0 < len(asked) < 100  # (all 153 were asked before answers were sent ahead)


def test_a_learner_who_asks_otherwise_is_answered_as_before(tmp_path, monkeypatch):
    """softmax of a list is not the question sent ahead (an array): it is asked."""
    source = submission_source()
    assert "softmax(W[row] / temperature)" in source
    path = tmp_path / "lab01.py"
    path.write_text(source.replace("softmax(W[row] / temperature)",
                                   "softmax(list(W[row] / temperature))"), encoding="utf-8")
    score, asked = _graded(path, monkeypatch)
    assert score == 30.0 and ("sample_word", "softmax") in asked


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")
def test_answers_in_threads_leave_the_judges_memory_limit_as_it_was():
    """The judge holds the reference to 256 MB more than it has while it answers (RLIMIT_AS,
    the process's): threads answering at once must share that limit and leave the one
    before it. A version that set and restored it per answer left the cap behind for the
    rest of the process when two answers overlapped (found by the test run itself)."""
    import resource
    import threading

    answers = ReferenceAnswers.of(LAB01)
    before = resource.getrlimit(resource.RLIMIT_AS)
    huge = {"function": "belief_gap", "args": [np.zeros((27, 8500, 1)), np.ones((27, 1, 8500)),
                                               "a"], "kwargs": {}}
    reply, _ = answers.answer(huge, "rank_rules")
    assert "builtins.MemoryError" in reply["raised"]["types"]

    def ask() -> None:
        for _ in range(10):
            answers.answer(dict(huge, args=[np.zeros((27, 2000, 1)), np.ones((27, 1, 2000)),
                                            "a"]), "rank_rules")

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert resource.getrlimit(resource.RLIMIT_AS) == before
