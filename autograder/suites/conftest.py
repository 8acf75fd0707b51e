"""Lets pytest run the suites: `pytest autograder/suites/lab01/hidden [--submission FILE]`.

Without --submission the checks run against the reference core, in process.
"""

from __future__ import annotations

import pytest

from autograder.checks import LocalLearner


def pytest_addoption(parser):
    parser.addoption("--submission", default=None, help="learner file to check")


@pytest.fixture
def learner(request):
    from autograder.labs import LABS

    path = request.config.getoption("--submission")
    lab = next(lab for lab in LABS.values() if f"/{lab.id}/" in str(request.path))
    if path is None:
        import importlib

        yield LocalLearner(vars(importlib.import_module(lab.reference)))
        return
    from autograder.runner import open_learner  # the isolated worker

    with open_learner(path, lab) as worker:
        yield worker
