"""How fast is `mindlab check`? Side by side with `python -c "import numpy, pytest"`.

Runs both several times in the same session on a correct lab01 submission and
prints the medians and their ratio (target: mindlab check <= 1.5x, issue 15).

    python benchmarks/check_speed.py [--repeat 7] [--file SUBMISSION]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def correct_submission(folder: Path) -> Path:
    """solutions/lab01.py when present, else the reference core made into a learner file."""
    target = folder / "lab01.py"
    solution = ROOT / "solutions" / "lab01.py"
    if solution.is_file() and "def greedy_decode" in solution.read_text():
        shutil.copy(solution, target)
    else:
        source = (ROOT / "mindlab_core" / "lab01.py").read_text()
        target.write_text(source.replace("from .tokens import", "from mindlab_core.tokens import"))
    return target


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0,):
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout.decode()}"
                 f"{done.stderr.decode()}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--file", type=Path, default=None, help="a correct submission")
    parser.add_argument("--isolation", default="auto", help="passed to mindlab check")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        file = args.file.resolve() if args.file else correct_submission(folder)
        baseline = [sys.executable, "-c", "import numpy, pytest"]
        check = [sys.executable, "-c",  # what the `mindlab` console script does
                 f"import sys; sys.path.insert(0, {str(ROOT)!r}); sys.argv[0] = 'mindlab'; "
                 "from mindlab_grader.console import main; main()",
                 "check", str(file), "--isolation", args.isolation]
        timed(baseline, folder), timed(check, folder)  # warm the file cache
        base, ours = [], []
        for _ in range(args.repeat):  # interleaved, so both see the same machine state
            base.append(timed(baseline, folder))
            ours.append(timed(check, folder))
    b, o = statistics.median(base), statistics.median(ours)
    print(f"python -c 'import numpy, pytest'  median {b * 1000:7.1f} ms  ({args.repeat} runs)")
    print(f"mindlab check (correct lab01, --isolation {args.isolation})  median "
          f"{o * 1000:7.1f} ms  ({args.repeat} runs)")
    print(f"ratio {o / b:.2f}x  (target <= 1.5x: {'met' if o / b <= 1.5 else 'NOT met'})")


if __name__ == "__main__":
    main()
