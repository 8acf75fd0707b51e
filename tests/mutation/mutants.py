"""The mutants of a lab's solution, made with cosmic-ray's operators, in memory only.

Every cosmic-ray core operator is applied at every position it finds inside the graded
functions of `solutions/<lab>.py`: their bodies (docstring excluded) and the default values
of their parameters; annotations, helpers and top-level demo code are left alone. Each
mutant is the whole file with exactly one change; the solution on disk is never written.

    for mutant in mutants("lab01"):
        print(mutant.name, mutant.diff)
"""

from __future__ import annotations

import ast
import hashlib
import symtable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cosmic_ray.ast import ast_nodes, get_ast
from cosmic_ray.mutating import mutate_code
from cosmic_ray.plugins import get_operator, operator_names

from mindlab_grader.labs import get_lab

ROOT = Path(__file__).resolve().parents[2]

# VariableReplacer and VariableInserter need arguments and draw random numbers: a mutant
# would not be the same twice, so it could not be recorded as equivalent
SKIPPED_OPERATORS = ("core/VariableReplacer", "core/VariableInserter")

Span = tuple[tuple[int, int], tuple[int, int]]  # ((line, col), (line, col)), lines from 1


@dataclass(frozen=True)
class Mutant:
    """One mutated copy of a solution: which function, which change, the whole new file."""

    lab: str
    function: str
    tool: str
    operator: str  # cosmic-ray's name, e.g. "core/NumberReplacer"
    occurrence: int  # this operator's n-th position inside this function, from 0
    line: int  # the changed line in solutions/<lab>.py
    before: str  # that line before, stripped
    after: str  # that line after, stripped
    source: str  # the whole mutated file
    key: str  # a hash of the mutated function's source: stable while the function stays put

    @property
    def name(self) -> str:
        """`function:Operator#occurrence`, short enough for a report line."""
        return f"{self.function}:{self.operator.split('/')[-1]}#{self.occurrence}"

    @property
    def diff(self) -> str:
        """The change as two diff lines."""
        return f"- {self.before}\n+ {self.after}"


def solution_path(lab: str) -> Path:
    """solutions/<lab>.py, the file the mutants are copies of."""
    return ROOT / "solutions" / f"{lab}.py"


def operators() -> list[str]:
    """The cosmic-ray operators used: every core one that needs no arguments."""
    return [name for name in operator_names()
            if name.startswith("core/") and name not in SKIPPED_OPERATORS]


def graded_spans(source: str, lab: str) -> dict[str, list[Span]]:
    """{graded function: the spans a mutation may start in (body, parameter defaults)}."""
    wanted = set(get_lab(lab).functions)
    spans: dict[str, list[Span]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name in wanted:
            body = node.body[1:] if ast.get_docstring(node) is not None else node.body
            parts = [*body, *node.args.defaults, *(d for d in node.args.kw_defaults if d)]
            spans[node.name] = [((p.lineno, p.col_offset), (p.end_lineno, p.end_col_offset))
                                for p in parts]
    missing = wanted - set(spans)
    if missing:
        raise ValueError(f"{lab}'s solution does not define {sorted(missing)}")
    return spans


def _inside(pos: tuple[int, int], spans: list[Span]) -> bool:
    return any(start <= pos < end for start, end in spans)


def _graded_defs(source: str, lab: str) -> list[ast.FunctionDef]:
    wanted = set(get_lab(lab).functions)
    return [node for node in ast.parse(source).body
            if isinstance(node, ast.FunctionDef) and node.name in wanted]


def function_source(source: str, function: str) -> str:
    """The lines of one top-level function of `source`, decorators excluded."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            return "".join(source.splitlines(keepends=True)[node.lineno - 1:node.end_lineno])
    raise ValueError(f"no function {function!r}")


def _changed_line(before: str, after: str) -> tuple[int, str, str]:
    """(line number from 1, old text, new text) of the one line a mutation changed."""
    old, new = before.splitlines(), after.splitlines()
    changed = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
    if len(old) != len(new) or len(changed) != 1:
        raise ValueError("a mutation must change exactly one line")
    i = changed[0]
    return i + 1, old[i].strip(), new[i].strip()


def _positions(code: str, operator: str) -> list[tuple[int, int]]:
    """Start of every position of `operator` in `code`, in cosmic-ray's occurrence order."""
    op = get_operator(operator)()
    return [span[0] for node in ast_nodes(get_ast(code)) for span in op.mutation_positions(node)]


def _mutants_of_function(source: str, lab: str, node: ast.FunctionDef) -> Iterator[Mutant]:
    """The mutants of one graded function: cosmic-ray mutates the function's own text (its
    occurrences count inside the function), which is then put back into the whole file."""
    tool = next(t.id for t in get_lab(lab).tools if node.name in t.functions)
    lines = source.splitlines(keepends=True)
    first = node.lineno - 1  # the function's lines are lines[first:node.end_lineno]
    code = "".join(lines[first:node.end_lineno])
    spans = [((a - first, b), (c - first, d))
             for (a, b), (c, d) in graded_spans(source, lab)[node.name]]
    for operator in operators():
        kept = 0
        for occurrence, pos in enumerate(_positions(code, operator)):
            if not _inside(pos, spans):
                continue
            mutated = mutate_code(code, get_operator(operator)(), occurrence)
            if mutated is None or mutated == code:
                continue
            line, before, after = _changed_line(code, mutated)
            key = hashlib.sha256(mutated.encode()).hexdigest()[:16]
            whole = "".join([*lines[:first], mutated, *lines[node.end_lineno:]])
            yield Mutant(lab, node.name, tool, operator, kept, first + line, before, after,
                         whole, key)
            kept += 1


def _globals_read(source: str) -> set[str]:
    """Every global name that some def (or a scope inside one) of `source` reads; the
    comprehensions and lambdas of top-level code do not count."""
    names: set[str] = set()
    defs = {n.name for n in ast.parse(source).body
            if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    scopes = [scope for scope in symtable.symtable(source, "solution", "exec").get_children()
              if scope.get_name() in defs]
    while scopes:
        scope = scopes.pop()
        if isinstance(scope, symtable.Function):
            names.update(scope.get_globals())
        scopes.extend(scope.get_children())
    return names


def definitions_only(source: str, layout: str | None = None) -> str:
    """`source` with its top-level demo code blanked out, line numbers kept: what stays is
    the imports, the functions and classes, and the assignments of globals they read
    (e.g. BOS). Cell markers and comments stay, so a percent file keeps its cells.

    `layout` is the text whose statements say which lines to blank (default: `source`);
    a mutant passes its solution's, so a mutant that does not compile is blanked the same."""
    layout = source if layout is None else layout
    read = _globals_read(layout)
    lines = source.splitlines(keepends=True)
    for node in ast.parse(layout).body:
        keep = isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef)
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            keep = any(isinstance(t, ast.Name) and t.id in read for t in targets)
        if not keep:
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            lines[first - 1:node.end_lineno] = ["\n"] * (node.end_lineno - first + 1)
    return "".join(lines)


def mutants(lab: str, source: str | None = None) -> list[Mutant]:
    """Every mutant of the lab's solution (or of `source`), function by function."""
    text = solution_path(lab).read_text() if source is None else source
    return [m for node in _graded_defs(text, lab) for m in _mutants_of_function(text, lab, node)]
