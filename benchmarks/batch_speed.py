"""How fast is a class graded? mindlab grade-batch vs nbgrader autograde, side by side.

    python benchmarks/batch_speed.py            # 100 students (about 10 minutes: nbgrader)
    python benchmarks/batch_speed.py --n 20 --keep /tmp/bench

One run, one generated class (benchmarks/make_class.py: every 4th student hands in the
solution, the others one mistake each from tests/mistakes/lab01/), graded four ways
(each mindlab way --repeat times, from scratch each time, the median reported; nbgrader
once, its 100 notebooks taking minutes):

1. `nbgrader autograde` on an nbgrader course built from the lab's master notebook
   (labs/lab01.ipynb, whose grade cells call mindlab_grader.notebook.grade_tool): the
   release notebook with each student's functions in its solution cells;
2. `mindlab grade-batch` on the very same notebooks (nbgrader layout), --jobs cores;
3. the same with --jobs 1 (one core, like nbgrader);
4. `mindlab grade-batch` on the students' .py files;
5. the same with 5% of the class handing in an endless loop (make_class.looping_class):
   each loop is cut off by its CPU limit (autograder/budgets.py), target <= 0.5x.

It also times a bare `python -c "import numpy"`, the floor of any grader that starts
Python per submission, and prints: the times, the speed-up over nbgrader (target >= 100x),
mindlab's cost per submission against the numpy import (target <= 0.3x), and whether
mindlab and nbgrader gave every student the same score.
"""

from __future__ import annotations

import argparse
import ast
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_class import ROOT, benchmark_class, looping_class, top_functions  # noqa: E402


def run(cmd: list[str], cwd: Path, env: dict) -> float:
    """Seconds `cmd` took; raises with its output when it fails."""
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if done.returncode not in (0, 1):  # 1: some rows are grader faults, still a gradebook
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n"
                         f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds


def numpy_import(env: dict, times: int = 7) -> float:
    """Median wall time of a fresh `python -c "import numpy"`."""
    return statistics.median(run([sys.executable, "-c", "import numpy"], ROOT, env)
                             for _ in range(times))


def master_notebook() -> str:
    """The lab's nbgrader source notebook (labs/lab01.ipynb, or made from labs/lab01.py)."""
    nb = ROOT / "labs" / "lab01.ipynb"
    if nb.exists():
        return nb.read_text(encoding="utf-8")
    import jupytext

    return jupytext.writes(jupytext.read(ROOT / "labs" / "lab01.py"), fmt="ipynb")


def make_course(course: Path, env: dict) -> Path:
    """An nbgrader course with lab01 generated; returns the release notebook."""
    (course / "source" / "lab01").mkdir(parents=True)
    (course / "source" / "lab01" / "lab01.ipynb").write_text(master_notebook(), encoding="utf-8")
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'mindlab-bench'\n")
    run(["nbgrader", "generate_assignment", "lab01", "--force"], course, env)
    return course / "release" / "lab01" / "lab01.ipynb"


def student_notebook(release, source: str):
    """The release notebook with the student's functions in its solution cells.

    The student's other top-level lines (imports, constants) go in a cell of their own
    after the setup cell, so the notebook holds everything the .py file does.
    """
    import copy

    import nbformat

    nb = copy.deepcopy(release)
    tree = ast.parse(source)
    functions = {name: ast.get_source_segment(source, fn)
                 for name, fn in top_functions(tree).items()}
    rest = [ast.get_source_segment(source, node) for node in tree.body
            if not isinstance(node, ast.FunctionDef)
            and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
            and not (isinstance(node, ast.ImportFrom) and node.module == "__future__")]
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in functions:
            cell.source = functions[meta["grade_id"]]
    setup = next(i for i, c in enumerate(nb.cells)
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    nb.cells.insert(setup + 1, nbformat.v4.new_code_cell("\n".join(rest)))
    return nb


def scores(path: Path, student_col: str, score_col: str) -> dict[str, str]:
    with open(path, newline="") as f:
        return {row[student_col]: row[score_col] for row in csv.DictReader(f)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="students in the class")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder, keep it")
    parser.add_argument("--no-nbgrader", action="store_true", help="skip nbgrader (quick look)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each mindlab grading, the median reported (nbgrader: one)")
    args = parser.parse_args()

    import nbformat

    work = args.keep or Path(tempfile.mkdtemp(prefix="mindlab-bench-"))
    if work.exists() and args.keep:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
        str(ROOT), os.environ.get("PYTHONPATH")]))}
    mindlab = [sys.executable, "-m", "mindlab_grader.cli", "grade-batch"]

    students = benchmark_class(args.n)
    (work / "py").mkdir()
    for name, source in students.items():
        (work / "py" / f"{name}.py").write_text(source, encoding="utf-8")
    (work / "loops").mkdir()
    for name, source in looping_class(args.n, 20).items():
        (work / "loops" / f"{name}.py").write_text(source, encoding="utf-8")
    course = work / "course"
    release = nbformat.read(make_course(course, env), as_version=4)
    for name, source in students.items():
        folder = course / "submitted" / name / "lab01"
        folder.mkdir(parents=True)
        nbformat.write(student_notebook(release, source), folder / "lab01.ipynb")
    print(f"class of {args.n} in {work}: {sum(s == students['s0000'] for s in students.values())}"
          f" correct, the rest one mistake each; {args.jobs} cores")

    t_numpy = numpy_import(env)

    def mindlab_seconds(folder: Path, out: str, jobs: int, *more: str) -> float:
        """Median of --repeat fresh runs (each into its own --out: nothing reused)."""
        return statistics.median(
            run([*mindlab, str(folder), *more, "--out", str(work / (f"{out}-{i}" if i else out)),
                 "--jobs", str(jobs)], work, env) for i in range(args.repeat))

    t_nb_jobs = mindlab_seconds(course, "ml_nb", args.jobs, "--layout", "nbgrader")
    t_nb_one = mindlab_seconds(course, "ml_nb1", 1, "--layout", "nbgrader")
    t_py = mindlab_seconds(work / "py", "ml_py", args.jobs)
    t_loops = mindlab_seconds(work / "loops", "ml_loops", args.jobs)
    per_sub = t_nb_jobs / args.n
    rows = [("python -c 'import numpy' (once)", t_numpy),
            (f"mindlab grade-batch, notebooks, --jobs {args.jobs}", t_nb_jobs),
            ("mindlab grade-batch, notebooks, --jobs 1", t_nb_one),
            (f"mindlab grade-batch, .py files, --jobs {args.jobs}", t_py),
            (f"the same, 5% endless loops, --jobs {args.jobs}", t_loops)]
    if not args.no_nbgrader:
        t_nbgrader = run(["nbgrader", "autograde", "lab01", "--force"], course, env)
        rows.append(("nbgrader autograde, notebooks (one core)", t_nbgrader))
    print()
    for label, seconds in rows:
        print(f"  {label:<48} {seconds:8.2f} s   {1000 * seconds / args.n:8.1f} ms/student"
              if "numpy" not in label else f"  {label:<48} {seconds:8.3f} s")
    print()
    print(f"mindlab per submission ({args.jobs} jobs): {1000 * per_sub:.1f} ms = "
          f"{per_sub / t_numpy:.2f}x a bare numpy import (target <= 0.3x); "
          f"on one core: {t_nb_one / args.n / t_numpy:.2f}x")
    print(f"with 5% endless loops (.py, {args.jobs} jobs): {1000 * t_loops / args.n:.1f} ms = "
          f"{t_loops / args.n / t_numpy:.2f}x a bare numpy import (target <= 0.5x); "
          f"{t_loops / t_py:.2f}x the same class without loops")
    if not args.no_nbgrader:
        print(f"speed-up over nbgrader autograde: {t_nbgrader / t_nb_jobs:.0f}x with "
              f"{args.jobs} jobs, {t_nbgrader / t_nb_one:.0f}x on one core (target >= 100x)")
        run(["nbgrader", "export"], course, env)
        theirs = scores(course / "grades.csv", "student_id", "score")
        ours = scores(work / "ml_nb" / "grades.csv", "student", "score")
        same = sum(abs(float(theirs[s]) - float(ours[s] or "nan")) < 1e-9 for s in students
                   if s in theirs)
        print(f"same score from both graders: {same}/{args.n} students")
        if same < args.n:
            for s in sorted(students):
                if s in theirs and ours.get(s) and float(theirs[s]) != float(ours[s]):
                    print(f"  {s}: nbgrader {theirs[s]}, mindlab {ours[s]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
