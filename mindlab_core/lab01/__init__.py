"""Lab 01 "Reverse-engineer a mind": one 27x27 matrix of logits, read, cut and summarised.

- reference.py  every graded function (the truth; docs/lab01-contract.md); not in handouts
- pictures.py   the lab's figures (nothing here imports the reference)
- tour.py       `mindlab tour --lab lab01`: the story on the trained model

Learner code imports pictures.py, never reference.py (the grader hides it), so nothing
here imports reference.py at package level.
"""
