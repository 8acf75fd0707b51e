"""mindlab's grading machinery: checks, the judge, the isolated worker, reports and the CLI.

- checks.py  how a check is written and the Learner it calls through
- wire.py    the plain-data channel (no pickle) between judge and worker
- judge.py   runs suites against a learner, turns outcomes into feedback
- report.py  the SPEC §4 report
- labs.py    labs, tools and graded function names
- suites/    one package per lab: public/ and hidden/ suites, one file per tool
"""
