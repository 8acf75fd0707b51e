"""mindlab's reference core: tokens, the shipped names, the bigram model and the lab references.

Small flat modules, one idea each:
- tokens.py   the 27 tokens and how words become indices
- names.py    the 5,163 shipped first names
- bigram.py   counts, training and the closed-form count model
- lab01.py    reference answers for lab 01's graded functions (not in student handouts)
- pictures.py the lab's figures
"""

__version__ = "0.1.0"
