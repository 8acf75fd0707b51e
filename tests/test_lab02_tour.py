"""`mindlab tour --lab lab02`: each tool's finding is told, and --out writes the pictures."""

from __future__ import annotations

from click.testing import CliRunner

from autograder.cli import main


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
