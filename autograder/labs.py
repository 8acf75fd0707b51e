"""Which labs exist, their tools, and the graded functions of each tool (SPEC §2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Tool:
    id: str
    title: str
    functions: tuple[str, ...]
    # what the tool's hidden suite is worth: its checks' points add up to this, and the
    # lab notebook's grade cell for the tool carries it as nbgrader points
    points: float = 10.0


@dataclass(frozen=True)
class Lab:
    id: str
    title: str
    reference: str  # module holding the reference implementation of every graded function
    tools: tuple[Tool, ...]
    # "module:function" the worker server calls once before forking a worker per student,
    # so what the lab's notebook builds with it (a trained model) costs nothing per student
    preload: tuple[str, ...] = ()
    # modules replaced by do-nothing stand-ins while grading (the lab's pictures)
    stubs: tuple[str, ...] = ()
    # "module:name=module:replacement": what a submission's top-level code gets instead
    # while it is graded (not what its graded functions are given: that is the checks')
    while_grading: tuple[str, ...] = ()
    # "module:function" giving the questions a call is likely to ask the reference, from
    # its arguments alone: the judge sends their answers with the request (answers.py)
    likely: str = ""

    @property
    def functions(self) -> tuple[str, ...]:
        return tuple(f for tool in self.tools for f in tool.functions)

    def tool(self, tool_id: str) -> Tool:
        for tool in self.tools:
            if tool.id == tool_id:
                return tool
        raise KeyError(f"{self.id} has no tool {tool_id!r}")


LAB01 = Lab(
    id="lab01",
    title="Reverse-engineer a mind",
    reference="mindlab_core.lab01.reference",
    tools=(
        Tool("tool01", "Read its mind", ("softmax", "read_row", "data_row", "belief_gap"),
             points=10.0),
        Tool("tool02", "Intervene", ("ablate_column", "sample_word"), points=10.0),
        Tool("tool03", "Extract the algorithm", ("rank_rules", "greedy_decode"), points=10.0),
    ),
    preload=("mindlab_core.bigram:trained_model",),
    stubs=("mindlab_core.lab01.pictures", "mindlab_core.lab01.widgets"),
    likely="mindlab_grader.suites.lab01.likely:questions",
)

LAB02 = Lab(
    id="lab02",
    title="Scaling the idea up",
    reference="mindlab_core.lab02.reference",
    tools=(
        Tool("tool04", "Features are directions",
             ("mean_difference_direction", "project", "cosine_similarity")),
        Tool("tool05", "The residual stream",
             ("make_contexts", "run_with_cache", "logit_lens", "cross_entropy")),
        Tool("tool06", "Induction heads",
             ("causal_attention", "repeated_tokens", "prev_token_score", "induction_score",
              "find_heads", "ablate_head")),
        Tool("tool07", "Superposition",
             ("sparse_features", "toy_forward", "importance_loss", "feature_dimensionality",
              "sae_encode", "sae_decode", "sae_loss", "best_cosines")),
    ),
    # the toy models and the notebook's SAE are read from mindlab_core/lab02/trained.py's
    # store (milliseconds), the residual model and the names from their files
    preload=("mindlab_core.bigram:trained_model", "mindlab_core.lab02.superposition:warm",
             "mindlab_core.lab02.residual:residual_model", "mindlab_core.names:load_names"),
    stubs=("mindlab_core.lab01.pictures", "mindlab_core.lab02.pictures"),
    # tool 05's demo runs the residual model over every name (0.4 s of CPU per grade):
    # graded, it runs over every 20th (docs/lab02-contract.md, "While grading")
    while_grading=("mindlab_core.names:load_names=mindlab_core.names:sample_of_names",),
)

LABS: dict[str, Lab] = {LAB01.id: LAB01, LAB02.id: LAB02}


def get_lab(lab_id: str) -> Lab:
    """The lab called `lab_id`; a clear ValueError naming the known labs otherwise."""
    try:
        return LABS[lab_id]
    except KeyError:
        known = ", ".join(sorted(LABS))
        raise ValueError(f"unknown lab {lab_id!r}: choose one of {known}") from None


# check and grade: a file named after a lab (lab02.ipynb, my_lab02.py) is that lab's
LAB_IN_NAME = re.compile(r"(?<![a-z0-9])(lab\d+)(?!\d)")


def lab_of(file: Path | None, lab: str | None) -> str:
    """The lab to check `file` against: --lab if given, else the one lab its name names,
    else (no FILE) the one lab whose LAB.py / LAB.ipynb is here, else the default lab.

    >>> lab_of(Path("alice_lab02.ipynb"), None), lab_of(Path("alice.py"), None)
    ('lab02', 'lab01')
    """
    if lab is not None:
        return lab
    if file is not None:
        named = {m for m in LAB_IN_NAME.findall(file.name.lower()) if m in LABS}
        return named.pop() if len(named) == 1 else default_lab()
    here = [lab_id for lab_id in LABS
            if any(Path(f"{lab_id}{suffix}").is_file() for suffix in (".py", ".ipynb"))]
    return here[0] if len(here) == 1 else default_lab()


def default_lab() -> str:
    """lab01; in a student handout, the one lab whose public checks it holds."""
    suites = Path(__file__).resolve().parent / "suites"
    installed = [lab_id for lab_id in LABS if (suites / lab_id / "public").is_dir()]
    return installed[0] if len(installed) == 1 else "lab01"
