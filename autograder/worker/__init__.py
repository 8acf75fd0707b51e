"""The worker side of the process boundary: everything that runs where learner code runs.

The judge starts a fork server from here and talks to its workers only through
protocol.py. Nothing in this folder imports the judge (autograder outside worker/), and
the bwrap sandbox binds this folder as a whole, read-only (isolation/bwrap.py): what is
not in it cannot be seen by learner code.

- protocol.py   every message and its framing (both sides import it)
- wire.py       the plain-data encoding (no pickle)
- calling.py    calling one learner function with the others swapped for the reference
- hiding.py     refused imports, stand-in modules, silenced output
- processes.py  dying with the parent, adopting orphans, killing a tree
- zygote.py     the fork server
- serve.py      a worker: load the submission, answer calls
- standins.py   the reference's stand-ins: they ask the judge, keep its answers
"""
