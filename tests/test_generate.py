"""One master, generated exercises and solutions: in sync, stubbed, complete, nbgrader-valid."""

from __future__ import annotations

import ast
import copy
import doctest
import inspect
import re
import shutil

import jupytext
import nbformat
import numpy as np
import pytest
from click.testing import CliRunner

from mindlab_core.bigram import trained_model
from mindlab_core.lab01 import reference as ref
from mindlab_grader.cli import main
from mindlab_grader.handout import generate
from mindlab_grader.handout.generate import (
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    END_SOLUTION,
    MasterError,
    check_master,
    replace_regions,
)
from mindlab_grader.labs import LAB01
from mindlab_labs import lab_file

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def _functions(kind: str) -> dict:
    """The graded functions of a generated .py file, defined the way the file defines them.

    Only the imports and defs run (not the demo and check cells), so a stub can be
    called on its own.
    """
    tree = ast.parse(lab_file(kind, "lab01").read_text(encoding="utf-8"))
    keep = [node for node in tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
    namespace: dict = {}
    exec(compile(ast.Module(keep, []), str(lab_file(kind, "lab01")), "exec"), namespace)
    return namespace


def _notebook(kind: str) -> nbformat.NotebookNode:
    return nbformat.read(lab_file(kind, "lab01", ".ipynb"), as_version=4)


# ---------------------------------------------------------------- in sync


def test_generated_files_match_the_master():
    stale = generate.stale_files("lab01")
    assert not stale, ("these files are out of date with labs/lab01.py, run `mindlab sync`: "
                       + ", ".join(p.name for p in stale))


def test_the_master_is_in_jupytext_canonical_form():
    # so that editing the paired labs/lab01.ipynb in Jupyter does not churn the .py
    text = lab_file("masters", "lab01").read_text(encoding="utf-8")
    assert jupytext.writes(jupytext.reads(text, fmt="py:percent"), fmt="py:percent") == text


def test_sync_writes_checks_and_lists_stale_files(tmp_path, monkeypatch):
    for kind in ("labs", "exercises", "solutions"):
        (tmp_path / kind).mkdir()
    shutil.copy(lab_file("masters", "lab01"), tmp_path / "labs" / "lab01.py")
    folders = {"masters": "labs", "exercises": "exercises", "solutions": "solutions"}
    monkeypatch.setattr(generate, "lab_file", lambda kind, lab, suffix=".py":
                        tmp_path / folders[kind] / f"{lab}{suffix}")
    runner = CliRunner()
    result = runner.invoke(main, ["sync", "--check"])
    assert result.exit_code == 1 and "exercises/lab01.ipynb" in result.output
    assert not (tmp_path / "exercises" / "lab01.py").exists()  # --check writes nothing
    result = runner.invoke(main, ["sync"])
    assert result.exit_code == 0 and result.output.count("wrote") == 5
    for kind in ("exercises", "solutions"):
        for suffix in (".py", ".ipynb"):
            generated = (tmp_path / kind / f"lab01{suffix}").read_text(encoding="utf-8")
            assert generated == lab_file(kind, "lab01", suffix).read_text(encoding="utf-8")
    assert runner.invoke(main, ["sync", "--check"]).exit_code == 0
    (tmp_path / "solutions" / "lab01.py").write_text("x = 1\n")
    result = runner.invoke(main, ["sync", "--check"])
    assert result.exit_code == 1 and "solutions/lab01.py" in result.output
    assert "mindlab sync" in result.output


def test_sync_rejects_an_unknown_lab():
    result = CliRunner().invoke(main, ["sync", "--lab", "lab99", "--check"])
    assert result.exit_code == 2 and "lab01" in result.output


# ---------------------------------------------------------------- exercises


def test_every_exercise_stub_raises_not_implemented():
    exercise, solution = _functions("exercises"), _functions("solutions")
    W, counts = np.zeros((27, 27)), np.ones((27, 27), dtype=int)
    calls = {
        "softmax": (W,), "read_row": (W, "a"), "data_row": (counts, "a"),
        "belief_gap": (W, counts, "a"), "ablate_column": (W, "a"),
        "sample_word": (W, np.random.default_rng(0)), "rank_rules": (W,),
        "greedy_decode": (W,),
    }
    assert set(calls) == set(LAB01.functions)
    for name, args in calls.items():
        with pytest.raises(NotImplementedError):
            exercise[name](*args)
        # the learner gets the real signature and the whole docstring
        assert inspect.signature(exercise[name]) == inspect.signature(solution[name])
        assert exercise[name].__doc__ == solution[name].__doc__ and ">>>" in solution[name].__doc__


def test_exercise_has_no_solution_code_and_no_hidden_tests():
    master = lab_file("masters", "lab01").read_text(encoding="utf-8")
    solution_lines = []
    for cell in jupytext.reads(master, fmt="py:percent").cells:
        inside = False
        for line in cell.source.split("\n"):
            if BEGIN_SOLUTION in line:
                inside = True
            elif END_SOLUTION in line:
                inside = False
            elif inside and line.strip():
                solution_lines.append(line.strip())
    assert len(solution_lines) > 20
    for suffix in (".py", ".ipynb"):
        text = lab_file("exercises", "lab01", suffix).read_text(encoding="utf-8")
        for marker in MARKERS + ("grade_tool",):
            assert marker not in text, f"exercises/lab01{suffix} holds {marker!r}"
        leaked = [line for line in solution_lines if len(line) > 12 and line in text]
        assert not leaked, f"exercises/lab01{suffix} leaks solution code: {leaked[:3]}"


def test_learner_files_import_only_what_the_grader_allows():
    # the grader hides itself while it loads a submission, except for mindlab_grader.notebook,
    # which it replaces by a do-nothing stand-in (isolation/launch.py's STUBS)
    for kind in ("exercises", "solutions"):
        for suffix in (".py", ".ipynb"):
            text = lab_file(kind, "lab01", suffix).read_text(encoding="utf-8")
            assert "mindlab_core.lab01.reference" not in text
            assert set(re.findall(r"autograder\.\w+", text)) <= {"mindlab_grader.notebook"}


def test_the_grader_gives_the_solutions_full_marks():
    from mindlab_grader.grader import grade_file

    for suffix in (".py", ".ipynb"):
        report = grade_file(lab_file("solutions", "lab01", suffix), "lab01", "hidden", "process")
        assert (report.status, report.notes, report.integrity) == ("graded", [], [])
        assert report.score == report.max_score == sum(t.points for t in LAB01.tools)


def test_nbgrader_makes_the_same_exercise_from_the_master():
    preprocessors = pytest.importorskip("nbgrader.preprocessors")
    nb = _notebook("masters")
    for step in (preprocessors.ClearSolutions(), preprocessors.ClearHiddenTests()):
        nb, _ = step.preprocess(nb, {})
    ours = _notebook("exercises")
    # the same code line for line, except that our stub's message names its function
    named = re.compile(r'raise NotImplementedError\("write (\w+) \(TOOL \d\d\): see its '
                       r'docstring; a hint: mindlab hint \1"\)$')
    theirs = [c.source.rstrip().split("\n") for c in nb.cells]
    mine = [c.source.split("\n") for c in ours.cells]
    assert [len(lines) for lines in theirs] == [len(lines) for lines in mine]
    differing = [(a, b) for x, y in zip(theirs, mine) for a, b in zip(x, y) if a != b]
    assert len(differing) == len(LAB01.functions)
    for nbgrader_line, our_line in differing:
        assert nbgrader_line.strip() == "raise NotImplementedError()"
        assert named.match(our_line.strip()), our_line
        assert our_line[: len(our_line) - len(our_line.lstrip())] == \
            nbgrader_line[: len(nbgrader_line) - len(nbgrader_line.lstrip())]


def test_a_stub_says_which_function_to_write():
    exercise = _functions("exercises")
    tools = {f: t.id[-2:] for t in LAB01.tools for f in t.functions}
    for name in LAB01.functions:
        with pytest.raises(NotImplementedError) as stub:
            required = [p for p in inspect.signature(exercise[name]).parameters.values()
                        if p.default is inspect.Parameter.empty]
            exercise[name](*([None] * len(required)))
        message = str(stub.value)
        assert message.startswith(f"write {name} (TOOL {tools[name]}): see its docstring")
        assert f"mindlab hint {name}" in message
    for suffix in (".py", ".ipynb"):
        text = lab_file("exercises", "lab01", suffix).read_text(encoding="utf-8")
        assert not re.search(r"raise NotImplementedError\(\)(?!`)", text)  # (prose aside)


# ---------------------------------------------------------------- solutions


def test_solutions_are_complete_and_equal_the_reference():
    for suffix in (".py", ".ipynb"):
        text = lab_file("solutions", "lab01", suffix).read_text(encoding="utf-8")
        for marker in MARKERS + ("YOUR CODE HERE", "grade_tool"):
            assert marker not in text, f"solutions/lab01{suffix} holds {marker!r}"
    sol = _functions("solutions")
    model = trained_model()
    rng = np.random.default_rng(7)
    matrices = [model.W, rng.normal(0, 3, (27, 27)), np.zeros((27, 27)),
                ref.ablate_column(model.W, "e")]
    for W in matrices:
        assert np.array_equal(sol["softmax"](W), ref.softmax(W))
        assert sol["rank_rules"](W) == ref.rank_rules(W)
        assert sol["rank_rules"](W, top=4) == ref.rank_rules(W, top=4)
        assert sol["greedy_decode"](W, max_len=7) == ref.greedy_decode(W, max_len=7)
        for letter in ".aqz":
            assert np.array_equal(sol["read_row"](W, letter), ref.read_row(W, letter))
            assert np.array_equal(sol["ablate_column"](W, letter), ref.ablate_column(W, letter))
            assert (sol["belief_gap"](W, model.counts, letter)
                    == ref.belief_gap(W, model.counts, letter))
            assert np.array_equal(sol["data_row"](model.counts, letter),
                                  ref.data_row(model.counts, letter))
        for temperature in (0.5, 1.0, 2.0):
            mine, theirs = np.random.default_rng(3), np.random.default_rng(3)
            assert ([sol["sample_word"](W, mine, temperature, 12) for _ in range(5)]
                    == [ref.sample_word(W, theirs, temperature, 12) for _ in range(5)])
    for bad in ("A", "ab", "", 3):
        with pytest.raises(ValueError):
            sol["read_row"](model.W, bad)
    with pytest.raises(ValueError):
        sol["sample_word"](model.W, np.random.default_rng(0), temperature=0)


def test_docstring_examples_are_true():
    sol = _functions("solutions")
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner()
    for name in LAB01.functions:
        for test in finder.find(sol[name], name, globs=dict(sol)):
            assert test.examples, f"{name}'s docstring has no worked example"
            runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


# ---------------------------------------------------------------- nbgrader metadata


@pytest.mark.parametrize("kind", ["masters", "exercises", "solutions"])
def test_nbgrader_metadata_is_valid(kind):
    nbgraderformat = pytest.importorskip("nbgrader.nbgraderformat")
    nb = _notebook(kind)
    nbformat.validate(nb)
    nbgraderformat.MetadataValidator().validate_nb(nb)  # also rejects duplicate grade_ids
    ids = [cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells]
    assert len(ids) == len(set(ids)) and [cell.id for cell in nb.cells] == ids
    solutions = [c for c in nb.cells if c.metadata["nbgrader"]["solution"]]
    assert {f for c in solutions for f in LAB01.functions if f"def {f}(" in c.source} \
        == set(LAB01.functions)
    graded = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
              for c in nb.cells if c.metadata["nbgrader"]["grade"]}
    assert graded == {f"check_{tool.id}": tool.points for tool in LAB01.tools}
    assert all(c.metadata["nbgrader"]["locked"] for c in nb.cells
               if not c.metadata["nbgrader"]["solution"])


def test_hidden_suites_are_worth_what_the_grade_cells_say():
    from mindlab_grader.judge import checks_of, suite_modules

    modules = suite_modules(LAB01, "hidden")
    if len(modules) < len(LAB01.tools):
        pytest.skip("the hidden suite is not complete yet")
    for tool in LAB01.tools:
        total = sum(c.info.points for c in checks_of(modules[tool.id]))
        assert total == tool.points, f"hidden {tool.id} is worth {total}, not {tool.points}"


# ---------------------------------------------------------------- the generator's rules


def test_replace_regions_modes():
    source = "a\n    ### BEGIN SOLUTION\n    b\n    ### END SOLUTION\nc"
    args = (BEGIN_SOLUTION, END_SOLUTION)
    assert replace_regions(source, *args, "keep") == "a\n    b\nc"
    assert replace_regions(source, *args, "drop") == "a\nc"
    assert replace_regions(source, *args, "stub") == (
        "a\n    # YOUR CODE HERE\n    raise NotImplementedError()\nc")  # no def: nbgrader's
    inner = ("def f(x):\n    def g():\n        ### BEGIN SOLUTION\n        b\n"
             "        ### END SOLUTION")
    assert replace_regions(inner, *args, "stub").endswith(
        '        raise NotImplementedError("write g: see its docstring")')
    after = "def g():\n    pass\n\ndef f(x):\n    ### BEGIN SOLUTION\n    b\n    ### END SOLUTION"
    assert replace_regions(after, *args, "stub", {"f": "tool02"}).endswith(
        '    raise NotImplementedError("write f (TOOL 02): see its docstring; a hint: '
        'mindlab hint f")')


@pytest.mark.parametrize("source", [
    "### BEGIN SOLUTION\nx",
    "### END SOLUTION",
    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION",
])
def test_broken_markers_are_a_clear_error(source):
    with pytest.raises(MasterError):
        replace_regions(source, BEGIN_SOLUTION, END_SOLUTION, "stub")


def _master():
    text = lab_file("masters", "lab01").read_text(encoding="utf-8")
    return jupytext.reads(text, fmt="py:percent")


def _broken(edit) -> str:
    nb = copy.deepcopy(_master())
    edit(nb)
    with pytest.raises(MasterError) as problem:
        check_master(nb, LAB01)
    return str(problem.value)


def test_the_master_follows_the_rules():
    check_master(_master(), LAB01)


def test_master_mistakes_are_named():
    def grade_cell(nb):
        return next(c for c in nb.cells if c.metadata["nbgrader"]["grade"])

    def worth_three(nb):
        grade_cell(nb).metadata["nbgrader"]["points"] = 3

    assert "autograder/labs.py" in _broken(worth_three)

    def no_hidden(nb):
        cell = grade_cell(nb)
        cell.source = cell.source.split(BEGIN_HIDDEN)[0]

    assert "grade_tool" in _broken(no_hidden)

    def twice(nb):
        nb.cells[1].metadata["nbgrader"]["grade_id"] = nb.cells[0].metadata["nbgrader"]["grade_id"]

    assert "unique" in _broken(twice)

    def bare(nb):
        del nb.cells[0].metadata["nbgrader"]

    assert "nbgrader" in _broken(bare)

    def not_marked(nb):
        solution = next(c for c in nb.cells if c.metadata["nbgrader"]["solution"])
        solution.metadata["nbgrader"]["solution"] = False

    assert "solution" in _broken(not_marked)
