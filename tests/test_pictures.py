"""The lab's pictures: each returns a Figure that saves as PNG and shows itself in Jupyter."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from mindlab_core.bigram import trained_model
from mindlab_core.lab01 import pictures
from mindlab_core.lab01 import reference as ref

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def model():
    return trained_model()


def _drawn(fig, tmp_path, name):
    assert isinstance(fig, Figure)
    path = tmp_path / name
    fig.savefig(path)
    assert path.read_bytes().startswith(PNG)
    assert fig._repr_png_().startswith(PNG)  # what Jupyter displays
    return fig


def test_belief_bars(model, tmp_path):
    fig = _drawn(pictures.belief_bars(ref.read_row(model.W, "q"),
                                      ref.data_row(model.counts, "q"), "q"), tmp_path, "b.png")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == list(".abcdefghijklmnopqrstuvwxyz")
    assert "'q'" in ax.get_title()
    _drawn(pictures.belief_bars(np.full(27, 1 / 27), None, "."), tmp_path, "b0.png")


def test_heatmap_marks_the_ablated_column(model, tmp_path):
    fig = _drawn(pictures.matrix_heatmap(ref.ablate_column(model.W, "."), ablated="."),
                 tmp_path, "h.png")
    ax = fig.axes[0]
    assert "ablated" in ax.get_title() and "-inf" in ax.get_title()
    image = ax.get_images()[0].get_array()
    assert image.mask[:, 0].all() and not image.mask[:, 1:].any()  # -inf drawn as 'bad'
    _drawn(pictures.matrix_heatmap(ref.softmax(model.W), label="probability"), tmp_path, "p.png")


def test_rulebook_and_greedy_path(model, tmp_path):
    fig = _drawn(pictures.rulebook(ref.rank_rules(model.W, top=5)), tmp_path, "r.png")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "after 'q', the model writes 'u' 94% of the time" and len(labels) == 5
    assert "5 of 27 rules shown" in fig.axes[0].get_title()
    _drawn(pictures.greedy_path(model.W, ref.greedy_decode(model.W)), tmp_path, "g.png")
    _drawn(pictures.greedy_path(model.W, ""), tmp_path, "g0.png")


def _texts(fig) -> str:
    """Every piece of text drawn on the figure, titles and labels included."""
    fig.canvas.draw()
    return "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def test_belief_bars_are_violet_with_black_ticks_and_tiny_values_visible(model):
    belief, data = ref.read_row(model.W, "q"), ref.data_row(model.counts, "q")
    fig = pictures.belief_bars(belief, data, "q")
    ax = fig.axes[0]
    bars = ax.patches
    assert all(bar.get_facecolor() == to_rgba("#7c3aed") for bar in bars)
    assert to_rgba(ax.collections[0].get_edgecolor()[0]) == to_rgba("black")  # data ticks
    top = ax.get_ylim()[1]
    tiny = [bar for bar, p in zip(bars, belief) if 0 < p < 0.005]
    assert tiny and all(bar.get_height() >= 0.01 * top for bar in tiny)  # a visible stub
    values = [t.get_text() for t in ax.texts]
    assert ".002" in values and ".94" in values  # each bar says its value
    log = pictures.belief_bars(belief, data, "q", log=True).axes[0]
    assert log.get_yscale() == "log"


def test_the_ablated_heatmap_keeps_the_unablated_scale_and_shows_the_symptom(model):
    before = pictures.matrix_heatmap(model.W).axes[0].get_images()[0].get_clim()
    words = ["macastineviatardriem", "aherleyunineerienoui"]
    fig = pictures.matrix_heatmap(ref.ablate_column(model.W, "."), ablated=".", like=model.W,
                                  words=words)
    assert fig.axes[0].get_images()[0].get_clim() == before
    text = _texts(fig)
    assert all(word in text for word in words) and "symptom" in text
    assert "'.' cut: -inf" in text  # the cut column is named, not just black
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_x() > -0.5  # inset: it is not the frame


def test_the_greedy_path_says_it_never_changes(model):
    fig = pictures.greedy_path(model.W, ref.greedy_decode(model.W))
    assert "the same word every time, forever" in _texts(fig)


@pytest.mark.parametrize("draw", [
    lambda: pictures.belief_bars(np.ones(26), None, "a"),
    lambda: pictures.belief_bars(np.ones(27), None, "A"),
    lambda: pictures.matrix_heatmap(np.zeros((27, 26))),
    lambda: pictures.rulebook([("q", "u")]),
    lambda: pictures.greedy_path(np.zeros((27, 27)), "Ab"),
])
def test_bad_input_is_a_clear_value_error(draw):
    with pytest.raises(ValueError):
        draw()


def test_pictures_do_not_need_the_reference_answers():
    # student handouts ship without mindlab_core/lab01/reference.py
    tree = ast.parse(Path(pictures.__file__).read_text())
    imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for a in node.names]
    assert not [name for name in imported if "lab01" in name]


def test_the_pickers_use_the_learners_functions_and_fall_back_to_the_picture(model,
                                                                              monkeypatch):
    from mindlab_core.lab01 import widgets

    calls = []

    def read_row(W, letter):
        calls.append(letter)
        return ref.read_row(W, letter)

    static = widgets.belief_picker(read_row, ref.data_row, model.W, model.counts, "e")
    assert isinstance(static, Figure) and calls == ["e"]  # no kernel: the static picture
    lesion = widgets.lesion_picker(ref.ablate_column, ref.sample_word, model.W, ".")
    assert isinstance(lesion, Figure) and "symptom" in _texts(lesion)
    ipywidgets = pytest.importorskip("ipywidgets")
    monkeypatch.setattr(widgets, "_widgets", lambda: ipywidgets)
    picker = widgets.belief_picker(read_row, ref.data_row, model.W, model.counts, "q")
    assert isinstance(picker, ipywidgets.interactive)
    assert list(picker.children[0].options) == list(".abcdefghijklmnopqrstuvwxyz")
    picker.children[0].value = "z"  # the learner picks another letter
    assert calls[-1] == "z"


def test_the_grader_stubs_the_widgets():
    from mindlab_grader.labs import LAB01

    assert "mindlab_core.lab01.widgets" in LAB01.stubs
