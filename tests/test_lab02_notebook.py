"""Lab 02's lab files: generated from the master, the solution notebook runs, grades are full."""

from __future__ import annotations

import ast
import re

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from mindlab_core.names import load_names
from mindlab_grader.grader import grade_file
from mindlab_grader.handout import generate
from mindlab_grader.labs import LAB02
from mindlab_labs import lab_file


def test_generated_files_match_the_master():
    stale = generate.stale_files("lab02")
    assert not stale, f"run `mindlab sync --lab lab02`: {stale}"


def test_exercises_are_stubs_and_leak_no_solution():
    text = lab_file("exercises", "lab02").read_text(encoding="utf-8")
    tree = ast.parse(text)
    stubs = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)
             and "NotImplementedError" in ast.unparse(node)}
    assert stubs == set(LAB02.functions)
    for kind in ("exercises", "solutions"):
        for suffix in (".py", ".ipynb"):
            generated = lab_file(kind, "lab02", suffix).read_text(encoding="utf-8")
            assert "BEGIN HIDDEN TESTS" not in generated and "grade_tool" not in generated
            assert "mindlab_core.lab02.reference" not in generated


def test_the_solution_notebook_runs_and_passes_every_public_check():
    nb = nbformat.read(lab_file("solutions", "lab02", ".ipynb"), as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(lab_file("solutions", "lab02").parent)}}
                   ).execute()
    text = "\n".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                     for out in cell.get("outputs", []))
    for tool in LAB02.tools:
        assert re.search(rf"{tool.id} .*: 10/10 points", text), f"{tool.id} not full marks"
    assert "induction heads: [(1, 2)]" in text and "previous-token heads: [(0, 1)]" in text
    assert "the last layer's lens is the model's output: True" in text


@pytest.mark.parametrize("suffix", [".py", ".ipynb"])
def test_the_solutions_get_full_marks_through_the_isolated_runner(suffix):
    report = grade_file(lab_file("solutions", "lab02", suffix), "lab02", "hidden", "process")
    assert report.score == report.max_score == sum(t.points for t in LAB02.tools)


# ------------------------------------------- the collapsed answers after each tool's demo

ANSWER_NUMBER = re.compile(r"(?<![\w.])[+-]?\d+\.\d+|\d+%")


def _answers() -> dict[str, str]:
    """{tool id: its question-and-answer cell's text, whitespace collapsed} in the exercise
    notebook; asserts each tool has exactly one <details> answer, after its demo's question
    and between the tool's intro and its check cell, with the neighbours' nbgrader metadata."""
    nb = nbformat.read(lab_file("exercises", "lab02", ".ipynb"), as_version=4)
    ids = [cell.get("id") for cell in nb.cells]
    answers = {}
    for index, cell in enumerate(nb.cells):
        opened = cell.source.count("<details>")
        assert opened == cell.source.count("</details>"), f"cell {cell.id}: unclosed <details>"
        if not opened:
            continue
        assert cell.cell_type == "markdown" and opened == 1, cell.id
        tool = cell.id.split("_")[0]
        assert tool not in answers, f"{tool} has two <details> answers"
        assert ids.index(f"{tool}_intro") < index < ids.index(f"check_{tool}"), cell.id
        assert cell.metadata["nbgrader"] == {"grade": False, "grade_id": cell.id, "locked": True,
                                            "schema_version": 3, "solution": False,
                                            "task": False}
        question, answer = cell.source.split("<details>")
        assert question.startswith("**Look again.**") and "?" in question, cell.id
        assert answer.startswith("<summary>Answer") and answer.rstrip().endswith("</details>")
        answers[tool] = " ".join(cell.source.split())  # the question's numbers count too
    assert sorted(answers) == [tool.id for tool in LAB02.tools]
    return answers


def _f(x: float, digits: int = 2, sign: bool = False) -> str:
    return f"{x:{'+' if sign else ''}.{digits}f}"


def _facts() -> dict[str, tuple[set[str], list[str]]]:
    """{tool: (every number its answer may write, the ones it must write)}, computed with
    the reference on the lab's models exactly as the demo cells compute them."""
    from mindlab_core.lab02 import directions, findings, induction, residual, superposition
    from mindlab_core.lab02 import reference as ref
    from mindlab_core.tokens import TOKENS

    facts = {}

    # tool 04: the demo's scores, threshold and cosines; the direction's components
    letters = directions.letter_vectors()
    scores = findings.letter_scores(letters)
    threshold = findings.vowel_threshold(letters)
    direction = findings.vowel_direction(letters)
    row = {c: letters[TOKENS.index(c)] for c in "aet"}
    centred = {c: v - letters.mean(axis=0) for c, v in row.items()}
    numbers = {_f(scores[c], sign=True) for c in "aeiuxj"} | {
        _f(threshold), _f(ref.cosine_similarity(row["a"], row["e"]), sign=True),
        _f(ref.cosine_similarity(row["a"], row["t"]), sign=True),
        _f(ref.cosine_similarity(centred["a"], centred["t"])),
        _f(ref.cosine_similarity(centred["a"], centred["e"]), sign=True)}
    numbers |= {_f(direction[TOKENS.index(c)]) for c in "aeoi"}
    numbers |= {_f(direction[TOKENS.index("n")], sign=True)}
    held_out = sorted(directions.HELD_OUT_CONSONANTS, key=scores.get)
    assert (held_out[0], held_out[-1]) == ("j", "x")  # "between x (...) and j (...)"
    trained = sorted(directions.TRAIN_VOWELS, key=scores.get)
    assert (trained[0], trained[-1]) == ("e", "a")  # "e ... up to a ..."
    facts["tool04"] = numbers, [_f(scores["i"], sign=True), _f(scores["u"], sign=True),
                                _f(threshold), _f(scores["j"], sign=True)]

    # tool 05: the lens loss by layer on all names, the bigram's loss, the lens table
    params = residual.residual_model()
    X, Y = findings.name_contexts()
    losses = findings.lens_losses(params, X, Y)
    contract = ["4.16", "3.45", "2.74", "2.20", "1.77"]  # docs/lab02-contract.md
    assert [_f(x) for x in losses] == contract
    drops = -np.diff(losses)
    Xb, Yb = ref.make_contexts(load_names(), 1)
    bigram = ref.cross_entropy(letters[Xb[:, 0]], Yb)
    examples = {".em": "m", "joh": "n"}
    contexts = np.array([[TOKENS.index(c) for c in ex] for ex in examples])
    lens = ref.logit_lens(params, ref.run_with_cache(params, contexts))
    probs = np.exp(lens - lens.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    guesses = {ex: "".join(TOKENS[t] for t in probs[:, i].argmax(-1))
               for i, ex in enumerate(examples)}
    assert guesses == {".em": "spmme", "joh": ".bnnn"}  # what the answer says of the table
    p_true = {ex: [_f(p) for p in probs[:, i, TOKENS.index(t)]]
              for i, (ex, t) in enumerate(examples.items())}
    numbers = set(contract) | {_f(np.log(27)), _f(bigram)} | {_f(d, 1) for d in drops}
    numbers |= set(p_true["joh"][2:]) | set(p_true[".em"][2:])
    assert all(bigram < x for x in losses[:3]) and losses[3] < bigram
    facts["tool05"] = numbers, [", ".join(contract), _f(bigram)] + p_true["joh"][2:]

    # tool 06: the heads' scores and the ablations on the demo's sequence
    model = induction.induction_model()
    half = 20
    tokens = ref.repeated_tokens(np.random.default_rng(0), induction.N_VOCAB, half)
    prev, ind = findings.head_scores(model, tokens, half)
    assert ref.find_heads(prev, 0.5) == [(0, 1)] and ref.find_heads(ind, 0.5) == [(1, 2)]
    others = np.ones_like(prev, dtype=bool)
    others[0, 1] = others[1, 2] = False
    assert max(prev[others].max(), ind[others].max()) < 0.09
    loss = {(layer, head): findings.repeated_half_loss(ref.ablate_head(model, layer, head),
                                                       tokens, half)
            for layer in range(induction.LAYERS) for head in range(induction.HEADS)}
    full = findings.repeated_half_loss(model, tokens, half)
    distractors = [v for key, v in loss.items() if key not in [(0, 1), (1, 2)]]
    assert max(abs(v - full) for v in distractors) < 0.1  # the contract's bound
    chance = f"log {induction.N_VOCAB - 1} = {_f(induction.chance_loss(), 3)}"
    numbers = {_f(prev[0, 1]), _f(ind[1, 2]), "0.09", _f(full, 3), _f(loss[0, 1], 3),
               _f(loss[1, 2], 3), _f(induction.chance_loss(), 3), _f(min(distractors), 3),
               _f(max(distractors), 3)}
    facts["tool06"] = numbers, [chance, f"{half - 1} steps", f"`i - {half - 1}`",
                                _f(loss[0, 1], 3), _f(loss[1, 2], 3)]

    # tool 07: dimensionality by sparsity, the models' biases, the SAE on the pentagon
    toys = superposition.trained_toy_models()
    sparsities = list(superposition.SPARSITIES)
    dims = [ref.feature_dimensionality(w) for w in toys["W"]]
    assert np.round(dims[0], 2).tolist() == [1, 1, 0, 0, 0]
    assert np.allclose(dims[1][:4], 0.5, atol=0.02) and dims[1][4] < 0.01
    W1 = toys["W"][1]
    assert all(ref.cosine_similarity(W1[:, i], W1[:, j]) < -0.99 for i, j in [(0, 3), (1, 2)])
    pentagons = [i for i, s in enumerate(sparsities) if s >= 0.9]
    assert all(np.allclose(dims[i], 0.4, atol=0.03) for i in pentagons)
    biases = np.concatenate([toys["b"][i] for i in pentagons])
    assert biases.max() < 0
    pentagon = superposition.toy_instance(toys, len(sparsities) - 1)
    H = ref.sparse_features(np.random.default_rng(2), 20000, 5, sparsities[-1]) @ pentagon["W"].T
    sae = superposition.train_sae(H)
    best = ref.best_cosines(sae["W_dec"], pentagon["W"].T)
    latents_on = (ref.sae_encode(sae, H) > 0).sum(1).mean()
    owners = np.argmax(sae["W_dec"] @ pentagon["W"] / np.linalg.norm(pentagon["W"], axis=0), 1)
    assert sorted(np.bincount(owners, minlength=5).tolist()) == [1, 1, 2, 2, 2]
    numbers = {"0.5", "0.4", _f(np.cos(np.radians(72))), _f(biases.max()), _f(biases.min()),
               _f(best.min(), 3), _f(best.max(), 3), _f(latents_on),
               *(str(float(s)) for s in sparsities),
               f"{100 * (1 - sparsities[2]):.0f}%",  # features on 10% of the time
               f"{100 * sparsities[-1] ** 5:.0f}%"}  # inputs with no feature on
    facts["tool07"] = numbers, ["[1, 1, 0, 0, 0]", "2/5", "72°", _f(best.min(), 3),
                                _f(latents_on)]
    return facts


def test_each_tool_has_one_collapsed_answer_whose_numbers_are_the_models():
    """Every number an answer writes is one the reference computes for the shipped models
    (docs/lab02-contract.md, "What the lab shows"), and the key ones are written."""
    answers = _answers()
    for tool, (allowed, required) in _facts().items():
        text = answers[tool]
        written = set(ANSWER_NUMBER.findall(text))
        assert written <= allowed, f"{tool}'s answer writes {sorted(written - allowed)}"
        missing = [fact for fact in required if fact not in text]
        assert not missing, f"{tool}'s answer should say {missing}"
    assert "(0, 1)" in answers["tool06"] and "(1, 2)" in answers["tool06"]
    assert "pentagon" in answers["tool07"]
