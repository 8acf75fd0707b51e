"""Lab 02 "Scaling the idea up": the seed lab's three moves on bigger ideas, plain numpy.

- reference.py      every graded function (the truth; docs/lab02-contract.md)
- directions.py     TOOL 04  features are directions: letter vectors from lab 01's model
- residual.py       TOOL 05  the shipped residual name model (train_residual.py made it)
- induction.py      TOOL 06  a hand-built two-layer attention model with induction heads
- superposition.py  TOOL 07  training the 5-into-2 toy models and sparse autoencoders
- findings.py       what the lab shows, computed with the reference (tests, tour)
- pictures.py       the lab's figures

Learner code imports the model modules, never reference.py (the grader hides it), so
nothing here imports reference.py at package level.
"""
