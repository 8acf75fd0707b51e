"""Grade a whole class: a folder of submissions in, a gradebook out (SPEC §3, §4).

    mindlab grade-batch submissions/ --out grades/ --jobs 4

Nothing is lost. Each student's result is written to OUTDIR/results/<student>.json
(tmp file + os.replace) the moment it is known, with the submission's content hash
and the suites' hash. Rerunning the same command after a Ctrl-C or a kill skips every
student whose submission and suites are unchanged (`force=True` regrades all). The
gradebook is rebuilt from results/ at the end:

    grades.csv  grades.json  feedback/<student>.txt|.json  report.html  manifest.json

Fast: `jobs` threads each own one `grader.Grader`, which pays its start-up once and
then grades submission after submission. A learner's hang, memory bomb or crash costs
that learner's row only (the Grader's business); a fault of the Grader itself costs
one row too, and the thread opens a fresh Grader for the next student.

Beyond one machine: `shard=(i, n)` keeps the students whose stable name hash falls in
part i of n, and `merge([out1, out2, ...], out)` joins the parts into one gradebook.

- layouts.py    which students a folder holds (flat, nbgrader, Gradescope export)
- safety.py     what may be read: no FIFO, device, link out of the folder, > 50 MB file
- names.py      safe file names for students (results/, feedback/)
- bounds.py     learner text capped, printable, CSV-safe
- records.py    one JSON record per student, and when it can be reused
- lock.py       one run per output folder (OUT/.lock)
- pool.py       grading on several threads
- grade.py      grade_batch
- merge.py      joining shards
- gradebook.py  the files written from the records
"""

from .grade import Summary, grade_batch
from .merge import merge
from .records import parse_shard, results_dir

__all__ = ["Summary", "grade_batch", "merge", "parse_shard", "results_dir"]
