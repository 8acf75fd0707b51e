"""`mindlab tour --lab lab02`: each tool's finding is told, and --out writes the pictures."""

from __future__ import annotations

from click.testing import CliRunner

from mindlab_grader.cli import main


def test_tour_of_lab02_tells_each_finding_and_writes_pictures(tmp_path):
    out = tmp_path / "pics"
    result = CliRunner().invoke(main, ["tour", "--lab", "lab02", "--letter", "i",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    for text in ("TOOL 04", "'i' scores", "the vowel side", "TOOL 05",
                 "equals the model's output exactly: True", "TOOL 06",
                 "previous-token heads: [(0, 1)]", "induction heads: [(1, 2)]", "TOOL 07",
                 "best cosines"):
        assert text in result.output, text
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["attention.png", "directions.png", "logit_lens.png", "sae.png",
                    "superposition.png"]
    assert all((out / name).read_bytes().startswith(b"\x89PNG") for name in pngs)


def test_tour_of_lab02_rejects_a_bad_letter():
    result = CliRunner().invoke(main, ["tour", "--lab", "lab02", "--letter", "Q"])
    assert result.exit_code == 2 and "--letter" in result.output


def test_the_letter_changes_what_lab02_tells():
    outputs = {}
    for letter in ("e", "t"):
        result = CliRunner().invoke(main, ["tour", "--lab", "lab02", "--letter", letter])
        assert result.exit_code == 0, result.output
        assert f"--letter {letter}: TOOL 04 places '{letter}'" in result.output
        assert f"after '..{letter}' the lens's top guess" in result.output
        outputs[letter] = result.output
    assert "'e' scores" in outputs["e"] and "the vowel side" in outputs["e"]
    assert "'t' scores" in outputs["t"] and "the consonant side" in outputs["t"]


def _texts(fig) -> str:
    fig.canvas.draw()
    return "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def test_lab02_pictures_say_what_they_show():
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from mindlab_core.lab02 import pictures

    scores = {"a": 2.0, "n": -5.0, "x": -4.98, "d": -7.6, "s": -7.58, "e": 1.0}
    levels = pictures.label_levels(sorted(scores.values()), gap=0.3)
    ranked = sorted(scores.values())
    for i in range(len(ranked)):  # neighbours closer than the gap never share a height
        for j in range(i):
            if ranked[i] - ranked[j] < 0.3:
                assert levels[i] != levels[j]
    strip = pictures.projection_strip(scores, -2.6, "ae", "nxds", highlight="e")
    FigureCanvasAgg(strip)
    text = _texts(strip)
    assert "threshold -2.60" in text and "--letter 'e'" in text and "vowel side" in text
    lens = pictures.lens_table(np.zeros((2, 1, 27)), ["..e"], "m")
    FigureCanvasAgg(lens)
    assert "p(true next token)" in _texts(lens) and "guess '.'" in _texts(lens)
    arrows = pictures.feature_arrows(np.ones((2, 2, 5)), [0.0, 0.9], dims=np.full((2, 5), 0.4))
    FigureCanvasAgg(arrows)
    text = _texts(arrows)
    assert "C0" not in text and "feature 0 (most important)" in text and "0.40" in text
    sae = pictures.sae_vs_true(np.eye(2)[[0, 1, 0, 1, 0]] + 0.1, np.eye(2)[[0, 0, 1, 1, 1, 0]],
                               activity=[0.01, 0.01, 0.01, 0.01, 0.01, 0.0])
    FigureCanvasAgg(sae)
    text = _texts(sae)
    assert "6 latents for 5 features" in text and "dead latent" in text and "1.0%" in text
