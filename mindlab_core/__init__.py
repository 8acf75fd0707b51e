"""mindlab's reference core: tokens, the shipped names, the bigram model and the lab references.

Small flat modules, one idea each:
- tokens.py   the 27 tokens and how words become indices
- names.py    the 5,163 shipped first names
- bigram.py   counts, training and the closed-form count model
- tour.py     `mindlab tour`: the registry each lab's tour joins
- lab01/      lab 01: reference.py (the graded functions' truth; not in handouts),
              pictures.py, tour.py
- lab02/      lab 02, the same shape, plus its models (directions, residual, ...)
"""

__version__ = "0.1.0"
