"""The lab's pickers as notebook widgets, drawn with the learner's own functions.

    belief_picker(read_row, data_row, W, counts)      # choose a letter, see its belief
    lesion_picker(ablate_column, sample_word, W)      # choose a column to cut, see the words

In a Jupyter kernel with ipywidgets installed (the `student` extra: the handout wheel's
`[student]`, or "mindlab-interp[student]" from a checkout) each returns a dropdown that
redraws the picture; anywhere else (no ipywidgets, plain Python, nbgrader's autograder)
it returns the static picture for the starting choice, so a cell ending in one always
shows something and never fails for want of widgets. The grader
replaces this module by a do-nothing stand-in (autograder/labs.py, `stubs`).

>>> import numpy as np
>>> fig = belief_picker(lambda W, c: np.full(27, 1 / 27), lambda n, c: np.full(27, 1 / 27),
...                     np.zeros((27, 27)), np.ones((27, 27)), "q")
>>> type(fig).__name__                     # not in a kernel: the static picture
'Picture'
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..tokens import TOKENS
from .pictures import belief_bars, matrix_heatmap

SEED = 0  # the lesion picker samples with default_rng(SEED): the same words for one choice


def _widgets():
    """ipywidgets when this runs in a Jupyter kernel that has it, else None."""
    try:
        import ipywidgets
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return ipywidgets if shell is not None and hasattr(shell, "kernel") else None


def _picker(draw: Callable[[str], object], start: str, description: str):
    """A dropdown of the 27 tokens that redraws `draw(token)`; the static draw(start) without
    widgets."""
    widgets = _widgets()
    if widgets is None:
        return draw(start)
    from IPython.display import display

    def show(token: str) -> None:
        display(draw(token))

    choice = widgets.Dropdown(options=list(TOKENS), value=start, description=description)
    return widgets.interactive(show, token=choice)


def belief_picker(read_row: Callable, data_row: Callable, W, counts, letter: str = "q"):
    """Pick a token; see the model's belief after it (your read_row) over the data's (your
    data_row)."""
    return _picker(lambda t: belief_bars(read_row(W, t), data_row(counts, t), t), letter,
                   "after")


def lesion_picker(ablate_column: Callable, sample_word: Callable, W, letter: str = ".",
                  samples: int = 6, max_len: int = 20):
    """Pick a column to cut (your ablate_column); see the heatmap on W's colour scale and
    the words the lesioned model writes (your sample_word, seed SEED)."""
    def draw(token: str):
        cut = ablate_column(W, token)
        rng = np.random.default_rng(SEED)
        words = [sample_word(cut, rng, max_len=max_len) for _ in range(samples)]
        return matrix_heatmap(cut, ablated=token, like=W, words=words)

    return _picker(draw, letter, "cut")
