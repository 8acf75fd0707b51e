"""`mindlab tour`: the lab's story on the trained model, and its pictures with --out."""

from __future__ import annotations

from click.testing import CliRunner

from mindlab_core import tour
from mindlab_core.lab01 import tour as lab01_tour
from mindlab_grader.cli import main


def test_tour_tells_each_tool():
    result = CliRunner().invoke(main, ["tour"])
    assert result.exit_code == 0, result.output
    for heading in ("TOOL 01", "TOOL 02", "TOOL 03", "belief_gap", "q → u", "greedy word"):
        assert heading in result.output
    assert "trained a bigram model" in result.output


def test_tour_is_the_same_every_run():
    first = CliRunner().invoke(main, ["tour", "--letter", "e"]).output
    again = CliRunner().invoke(main, ["tour", "--letter", "e"]).output
    assert first.split("\n")[2:] == again.split("\n")[2:]  # line 2 holds the training time


def test_ablated_words_never_stop():
    result = CliRunner().invoke(main, ["tour"])
    after = next(line for line in result.output.splitlines() if "after :" in line)
    words = after.split(":", 1)[1].split(",")
    assert all(len(w.strip()) == lab01_tour.MAX_LEN for w in words)


def test_tour_writes_pictures(tmp_path):
    out = tmp_path / "pics"
    result = CliRunner().invoke(main, ["tour", "--letter", ".", "--out", str(out)])
    assert result.exit_code == 0, result.output
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert "belief_dot.png" in pngs and len(pngs) == 4
    for name in pngs:
        assert str(out / name) in result.output
        assert (out / name).read_bytes().startswith(b"\x89PNG")


def test_bad_letter_is_a_usage_error():
    result = CliRunner().invoke(main, ["tour", "--letter", "Q"])
    assert result.exit_code == 2
    assert "'Q' is not a token" in result.output and "--letter q" in result.output


def test_unknown_lab_is_a_usage_error():
    result = CliRunner().invoke(main, ["tour", "--lab", "lab99"])
    assert result.exit_code == 2
    assert "no tour for 'lab99'" in result.output and "lab01" in result.output


def test_a_lab_can_register_its_own_tour(tmp_path):
    calls = []

    @tour.tour("labtest")
    def fake(letter, out):
        calls.append((letter, out))
        return []

    try:
        result = CliRunner().invoke(main, ["tour", "--lab", "labtest", "--letter", "z"])
        assert result.exit_code == 0 and calls == [("z", None)]
    finally:
        del tour.TOURS["labtest"]
