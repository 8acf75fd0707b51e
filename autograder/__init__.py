"""mindlab's grading machinery: checks, the judge, the isolated worker, reports and the CLI.

- checks.py  how a check is written and the Learner it calls through
- wire.py    the plain-data channel (no pickle) between judge and worker
- judge.py   runs suites against a learner, turns outcomes into feedback
- report.py  the SPEC §4 report
- labs.py    labs, tools and graded function names
- suites/    one package per lab: public/ and hidden/ suites, one file per tool
"""

import os as _os
import sys as _sys


def _leave_the_start_folder() -> None:
    """`python -m mindlab_grader.cli` put the folder it was started in first on the import
    path: started in a student's folder, `import numpy` ran their numpy.py in the judge
    (found from outside). Unless this package itself was found there (a checkout run as
    `python -m autograder.cli`), that folder is taken off the path before anything else is
    imported. A notebook's `import mindlab_grader` (argv[0] is not "-m") keeps its path."""
    if _sys.argv[:1] != ["-m"] or not _sys.path:
        return
    start = _os.path.realpath(_sys.path[0] or _os.curdir)
    here = _os.path.realpath(_os.path.dirname(__file__))
    if start == _os.path.realpath(_os.getcwd()) and not here.startswith(start + _os.sep):
        del _sys.path[0]


_leave_the_start_folder()
