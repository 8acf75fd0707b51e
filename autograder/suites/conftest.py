"""Lets pytest run the suites: `pytest autograder/suites/lab01/hidden [--submission FILE]`.

Without --submission the checks run against the reference core, in process.
"""

from __future__ import annotations

import pytest

from mindlab_grader.checks import LocalLearner


def pytest_addoption(parser):
    parser.addoption("--submission", default=None, help="learner file to check")


@pytest.fixture(scope="session")
def _learners(request):
    """One learner per lab for the whole run: the submission is loaded once, not per check."""
    import contextlib

    opened: dict = {}
    with contextlib.ExitStack() as stack:
        def learner_for(lab):
            if lab.id not in opened:
                path = request.config.getoption("--submission")
                if path is None:
                    import importlib

                    opened[lab.id] = LocalLearner(vars(importlib.import_module(lab.reference)))
                else:
                    from mindlab_grader.grader import open_learner  # the isolated worker

                    opened[lab.id] = stack.enter_context(open_learner(path, lab))
            return opened[lab.id]

        yield learner_for


@pytest.fixture
def learner(request, _learners):
    from mindlab_grader.labs import LABS

    lab = next(lab for lab in LABS.values() if f"/{lab.id}/" in str(request.path))
    return _learners(lab)
