"""What does a hang cost? CPU limits per call (autograder/budgets.py), measured side by side.

    python benchmarks/hang_speed.py              # all parts (a few minutes)
    python benchmarks/hang_speed.py --quick      # fewer repeats, a class of 40

Prints, from one run (medians; ratios of figures measured in this same run):

1. an endless loop's cost: one hidden grade of lab 01's solution with one function made
   an endless loop, minus the same grade of the solution (target <= 0.25 s);
2. a class (benchmarks/make_class.py) graded by `grade-batch --jobs 2` as it is and with
   10% of its students handing in an endless loop: the extra time per looping student;
3. false timeouts: every lab 01 mistake, outside file and solution (and lab 02's solution
   and mistakes) graded with two CPU-bound processes running beside the grader, against
   the same grades on the machine as it is (target: 0 checks timing out only under load);
4. lab 02's hidden grade of the solution's .py on a warm worker next to lab 01's
   (target <= 0.2 s), and a lab 02 fork server's start-up (target <= 0.5 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_class import LOOPED, ROOT, benchmark_class, endless, looping_class, mistakes  # noqa: E402

sys.path.insert(0, str(ROOT))
from mindlab_grader import exchange  # noqa: E402
from mindlab_grader.forkserver import ForkServer  # noqa: E402
from mindlab_grader.grader import Grader  # noqa: E402
from mindlab_grader.labs import get_lab  # noqa: E402

TIMEOUT = "did not finish in time"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def loop_cost(repeat: int, isolation: str) -> dict[str, float]:
    """Median extra seconds of a hidden grade with one endless function, per function."""
    solution = (ROOT / "solutions" / "lab01.py").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp, \
            Grader(lab="lab01", suite="hidden", isolation=isolation) as grader:
        ok = Path(tmp) / "ok.py"
        ok.write_text(solution, encoding="utf-8")
        grader.grade(ok)
        extra: dict[str, list[float]] = {f: [] for f in LOOPED}
        for _ in range(repeat):
            for function in LOOPED:
                looping = Path(tmp) / f"{function}.py"
                looping.write_text(endless(solution, function), encoding="utf-8")
                base = timed(lambda: grader.grade(ok))
                extra[function].append(timed(lambda p=looping: grader.grade(p)) - base)
    return {f: statistics.median(v) for f, v in extra.items()}


def batch_seconds(students: dict[str, str], work: Path, jobs: int, repeat: int) -> float:
    """Median seconds of `grade-batch --jobs` on these students, from scratch each time."""
    folder = work / f"class-{len(os.listdir(work))}"
    folder.mkdir()
    for name, source in students.items():
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
    times = []
    for i in range(repeat):
        cmd = [sys.executable, "-m", "mindlab_grader.cli", "grade-batch", str(folder),
               "--out", str(folder.with_name(folder.name + f"-out{i}")), "--jobs", str(jobs)]
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"grade-batch failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return statistics.median(times)


def timeouts(files: list[Path], lab: str, isolation: str) -> dict[str, set[str]]:
    """{file: ids of the checks that timed out} over one hidden grade of each file."""
    found = {}
    with Grader(lab=lab, suite="hidden", isolation=isolation) as grader:
        for file in files:
            report = grader.grade(file)
            found[file.name] = {t.id for tool in report.tools for t in tool.tests
                                if TIMEOUT in t.feedback}
    return found


WORST = {"share": 0.0, "case": ""}  # the largest share of its CPU limit a call used


def _watch() -> None:
    """Note, for every request that ends without a CPU timeout, the largest share of its
    CPU limit a call was seen using (looked at every exchange.POLL seconds)."""
    if not hasattr(exchange.Exchange, "_check_cpu"):  # a version without CPU limits
        return
    check, run = exchange.Exchange._check_cpu, exchange.Exchange.run

    def checked(self, since: float) -> None:
        now, cpu = self._cpu(), self.limits.cpu
        limit = cpu[min(len(self.cases), len(cpu) - 1)]
        if now is not None and (now - since) / limit > getattr(self, "seen", (0.0, ""))[0]:
            self.seen = ((now - since) / limit, f"{self.function}, limit {limit:g} s")
        check(self, since)

    def ran(self):
        reply = run(self)  # a CpuTimeout passes: a hang is not a call that finished
        share, case = getattr(self, "seen", (0.0, ""))
        if share > WORST["share"]:
            WORST.update(share=share, case=case)
        return reply

    exchange.Exchange._check_cpu, exchange.Exchange.run = checked, ran


def library(lab: str) -> list[Path]:
    outside = sorted((ROOT / "tests" / "outside" / lab).glob("*.py"))
    return [ROOT / "solutions" / f"{lab}.py", *mistakes(lab), *outside]


def false_timeouts(isolation: str, hogs: int = 2) -> tuple[int, int, int]:
    """(checks timing out only with `hogs` CPU-bound processes beside, timing out without,
    files graded)."""
    _watch()
    quiet = {lab: timeouts(library(lab), lab, isolation) for lab in ("lab01", "lab02")}
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
               for _ in range(hogs)]
    try:
        loaded = {lab: timeouts(library(lab), lab, isolation) for lab in ("lab01", "lab02")}
    finally:
        for p in burners:
            p.kill()
            p.wait()
    false = sum(len(loaded[lab][f] - quiet[lab][f]) for lab in quiet for f in quiet[lab])
    genuine = sum(len(v) for lab in quiet for v in quiet[lab].values())
    return false, genuine, sum(len(v) for v in quiet.values())


def warm_grades(repeat: int, isolation: str) -> dict[str, float]:
    """Median seconds of one hidden grade of each lab's solution .py, warm worker."""
    graders = {lab: Grader(lab=lab, suite="hidden", isolation=isolation)
               for lab in ("lab01", "lab02")}
    times: dict[str, list[float]] = {lab: [] for lab in graders}
    try:
        for lab, grader in graders.items():
            grader.grade(ROOT / "solutions" / f"{lab}.py")
        for _ in range(repeat):  # interleaved: both see the same machine
            for lab, grader in graders.items():
                times[lab].append(timed(lambda g=grader, lab=lab:
                                        g.grade(ROOT / "solutions" / f"{lab}.py")))
    finally:
        for grader in graders.values():
            grader.close()
    return {lab: statistics.median(v) for lab, v in times.items()}


def startup(lab: str, isolation: str, repeat: int) -> float:
    def start() -> None:
        server = ForkServer(get_lab(lab), isolation, 2048, 16)
        server._await_ready()
        server.close()

    return statistics.median(timed(start) for _ in range(repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--isolation", default="auto")
    parser.add_argument("--n", type=int, default=120, help="students in the class")
    parser.add_argument("--parts", default="1234", help="which parts to run, e.g. 14")
    args = parser.parse_args()
    repeat, n = (3, 40) if args.quick else (5, args.n)
    isolation = Grader(lab="lab01", suite="hidden", isolation=args.isolation).isolation
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
          f"isolation {isolation}")
    if "1" in args.parts:
        part_loops(repeat, isolation)
    if "2" in args.parts:
        part_class(n, repeat)
    if "3" in args.parts:
        part_false(isolation)
    if "4" in args.parts:
        part_lab02(repeat, isolation)
    return 0


def part_loops(repeat: int, isolation: str) -> None:
    cost = loop_cost(repeat, isolation)
    print("1. an endless loop's extra cost per grade (median of "
          f"{repeat}, target <= 0.25 s):")
    for function, seconds in cost.items():
        print(f"     {function:<14} {seconds:6.3f} s")


def part_class(n: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plain = batch_seconds(benchmark_class(n), work, 2, max(repeat // 2, 1))
        looping = batch_seconds(looping_class(n, 10), work, 2, max(repeat // 2, 1))
    per = (looping - plain) / (n // 10)
    print(f"2. class of {n}, grade-batch --jobs 2: {plain:.2f} s as it is, {looping:.2f} s with "
          f"10% endless loops ({looping / plain:.2f}x); {per:.3f} s per looping student")


def part_false(isolation: str) -> None:
    false, genuine, files = false_timeouts(isolation)
    print(f"3. {files} files of the mistake library with 2 CPU-bound processes beside: "
          f"{false} false timeouts (target 0); {genuine} checks time out on a quiet run too; "
          f"the largest share of its CPU limit a call used: {WORST['share']:.0%} "
          f"({WORST['case']}), by a call that finished")


def part_lab02(repeat: int, isolation: str) -> None:
    grades = warm_grades(repeat * 2, isolation)
    print(f"4. warm hidden grade of the solution .py: lab01 {grades['lab01']:.3f} s, lab02 "
          f"{grades['lab02']:.3f} s ({grades['lab02'] / grades['lab01']:.1f}x lab01; target "
          f"<= 0.2 s); lab02 fork server start-up {startup('lab02', isolation, 3):.3f} s "
          f"(lab01 {startup('lab01', isolation, 3):.3f} s; target <= 0.5 s)")


if __name__ == "__main__":
    raise SystemExit(main())
