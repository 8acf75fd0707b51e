"""`mindlab tour`: the lab's story told on the trained model with the reference answers.

One short section per lab tool, in the order a learner meets them. Each lab registers
its own tour function:

    @tour("lab02")
    def tour_lab02(letter: str, out: Path | None) -> list[Path]: ...

`run_tour(lab, letter, out)` validates its inputs (a bad one is a click usage error,
exit status 2), runs the lab's tour, and lists the pictures it wrote to `out`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import click
import numpy as np

from .tokens import TOKENS, index

TourFunction = Callable[[str, "Path | None"], list[Path]]
TOURS: dict[str, TourFunction] = {}

SEED = 0  # every sample in the tour comes from default_rng(SEED): the same words each run
SAMPLES = 6
MAX_LEN = 20  # short enough to print; ablated words always hit it


def tour(lab: str) -> Callable[[TourFunction], TourFunction]:
    """Register `fn(letter, out) -> written picture paths` as the tour of `lab`."""

    def register(fn: TourFunction) -> TourFunction:
        TOURS[lab] = fn
        return fn

    return register


def run_tour(lab: str = "lab01", letter: str = "q", out: Path | None = None) -> list[Path]:
    """Print the tour of `lab` for `letter`; write its pictures to `out` (if given)."""
    _discover(lab)
    if lab not in TOURS:
        for folder in Path(__file__).parent.glob("lab*/tour.py"):  # list every lab's tour
            _discover(folder.parent.name)
        known = ", ".join(sorted(TOURS))
        raise click.BadParameter(f"there is no tour for {lab!r} yet: choose one of {known}.",
                                 param_hint="'--lab'")
    try:
        index(letter)
    except ValueError:
        raise click.BadParameter(
            f"{letter!r} is not a token: use '.' (the word boundary) or one lower-case "
            "letter a-z, for example --letter q.", param_hint="'--letter'") from None
    if out is not None and out.exists() and not out.is_dir():
        raise click.BadParameter(f"{out} exists and is not a folder: pass a folder for the "
                                 "pictures, for example --out pictures/.", param_hint="'--out'")
    written = TOURS[lab](letter, out)
    if written:
        _section("PICTURES", f"written to {out}/")
        for path in written:
            click.echo(f"  {path}")
    return written


def _discover(lab: str) -> None:
    """Import mindlab_core.<lab>.tour when it exists: where a lab registers its tour."""
    if lab in TOURS or not lab.isidentifier():
        return
    try:
        importlib.import_module(f"{__package__}.{lab}.tour")
    except ModuleNotFoundError as missing:
        if missing.name not in (f"{__package__}.{lab}", f"{__package__}.{lab}.tour"):
            raise  # the lab's tour exists but needs something that is not installed


def _section(title: str, subtitle: str = "") -> None:
    click.echo()
    click.secho(f"{title}: {subtitle}" if subtitle else title, bold=True)


def _shown(letter: str) -> str:
    return "the start of a word" if letter == "." else f"'{letter}'"


def needs_full_install() -> click.ClickException:
    """The error a tour raises in a student handout, which ships without reference answers."""
    return click.ClickException(
        "mindlab tour shows the reference answers, which this student install does not "
        "include: it needs the full install (pip install mindlab), e.g. your instructor's.")


def _file_letter(letter: str) -> str:
    return "dot" if letter == "." else letter  # "belief_..png" would be easy to miss


@tour("lab01")
def tour_lab01(letter: str, out: Path | None) -> list[Path]:
    """Read the model's mind after `letter`, cut its '.' column, read its rulebook."""
    try:
        from . import lab01 as ref
    except ImportError:  # a student handout ships without the reference answers
        raise needs_full_install() from None
    from .bigram import trained_model

    model = trained_model()
    W, counts = model.W, model.counts
    click.secho('mindlab tour: lab01 "Reverse-engineer a mind" (reference answers)', bold=True)
    click.echo(f"  {model.note()}")

    _section("TOOL 01  read its mind", f"what comes after {_shown(letter)}?")
    belief, data = ref.read_row(W, letter), ref.data_row(counts, letter)
    click.echo("  next   belief   data")
    for j in np.argsort(-belief, kind="stable")[:5]:
        click.echo(f"  {TOKENS[j]:>4}   {belief[j]:6.3f}   {data[j]:6.3f}")
    gap = ref.belief_gap(W, counts, letter)
    click.echo(f"  belief_gap = {gap:.3f}  (0 = the model believes exactly what the data "
               "does, 1 = they never agree)")

    _section("TOOL 02  intervene", "cut the '.' column, so the model can never end a word")
    ablated = ref.ablate_column(W, ".")
    for label, matrix in (("before", W), ("after ", ablated)):
        rng = np.random.default_rng(SEED)
        words = [ref.sample_word(matrix, rng, max_len=MAX_LEN) for _ in range(SAMPLES)]
        click.echo(f"  {label}: {', '.join(words)}")
    click.echo(f"  (seed {SEED}; after the cut every word runs on to max_len={MAX_LEN})")

    _section("TOOL 03  extract the algorithm", "the rulebook and the greedy word")
    rules = ref.rank_rules(W, top=5)
    for after, nxt, p in rules:
        click.echo(f"  {after} → {nxt}   {p:.2f}")
    word = ref.greedy_decode(W)
    click.echo(f"  greedy word: '{word}'  (always the most likely next token)")

    if out is None:
        click.echo("\n  Add --out DIR to save these as pictures.")
        return []
    from . import pictures

    out.mkdir(parents=True, exist_ok=True)
    figures = {
        f"belief_{_file_letter(letter)}.png": pictures.belief_bars(belief, data, letter),
        "heatmap_ablated_dot.png": pictures.matrix_heatmap(ablated, ablated="."),
        "rulebook.png": pictures.rulebook(ref.rank_rules(W, top=12)),
        "greedy_path.png": pictures.greedy_path(W, word),
    }
    written = []
    for name, fig in figures.items():
        fig.savefig(out / name, dpi=100)
        written.append(out / name)
    return written
