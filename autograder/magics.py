"""IPython syntax in a submission's cells: what the grader, which runs plain Python, drops.

`%magic`, `!shell`, `x = !ls`, `obj?`, `%%bash` cells and the `get_ipython()` calls
nbconvert writes for them; a `%`/`!` is IPython syntax only where IPython says so (the
start of a logical line), never a continuation line inside brackets. IPython's own
transformer decides when it is installed, `tokenize` otherwise.
"""

from __future__ import annotations

import ast
import re
import tokenize
from collections import deque

KEEP_CELL_MAGICS = {"time", "timeit", "capture", "prun"}  # their body is plain Python
ESCAPES = "!?%,;/"  # IPython's escapes at the start of a logical line
OPERATORS = ("!=", "%=", "//", "/=")  # ... which these Python operators are not
IPYTHON_WORK = 500_000  # IPython retokenizes a cell per magic found: past this many
#                        characters tokenized in one submission (Work), tokenize alone
#                        does the rest in one pass (150 cells of 200 %time lines each
#                        took IPython 150 s, past the budget, when the cap was per cell)
_COMMENT_LINE = re.compile(r"^[ \t]*#.*$", re.M)
_CANDIDATE = re.compile(r"^[ \t]*[!?%,;/]|=[ \t]*[!%]|\?\s*$|get_ipython", re.M)  # or none
_HELP_END = re.compile(r"(%{0,2}(?!\d)[\w*]+(\.(?!\d)[\w*]+|\[-?[0-9]+\])*)(\?\??)$")
_IPYTHON_CALL = ["get_ipython", "(", ")", "."]
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT}
_OPENING, _CLOSING = {"(", "[", "{"}, {")", "]", "}"}

class Work:
    """The IPython tokenizing one submission may still spend (characters): its cells share
    it, so a file of many magic-filled cells costs about as much as one."""

    def __init__(self, left: int = IPYTHON_WORK) -> None:
        self.left = left


def strip_magics(source: str, work: Work | None = None) -> tuple[str, int]:
    """Drop IPython syntax where IPython sees it (and whole `%%bash`-style cells); keep
    line numbers stable. A `%` inside brackets is Python's operator, not a magic.

    >>> strip_magics("%matplotlib inline\\nx = 1\\n!pip install numpy\\n")
    ('\\nx = 1\\n\\n', 2)
    >>> strip_magics("print('%s: %d'\\n      % (letter, n))\\n")
    ("print('%s: %d'\\n      % (letter, n))\\n", 0)
    """
    work = work if work is not None else Work()
    code = source.lstrip("\n")  # a .py cell's padding: kept, never tokenized
    if not _CANDIDATE.search(_COMMENT_LINE.sub("", code)):  # (no comment line is syntax)
        return source, 0
    pad = "\n" * (len(source) - len(code))
    lines = _lines(code)
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    head = lines[first].lstrip()
    if head.startswith("%%") or head.startswith("get_ipython().run_cell_magic("):
        name, body = _cell_magic(head)
        if name not in KEEP_CELL_MAGICS:
            return "", len(lines)
        lines[first:first + 1] = _lines(body) if body is not None else ["\n"]
        kept, n = _strip_lines(lines, work)
        return pad + kept, n + 1
    kept, n = _strip_lines(lines, work)
    return pad + kept, n


def _cell_magic(head: str) -> tuple[str, str | None]:
    """(name, body) of a `%%name` line (body None: it follows) or of nbconvert's
    `get_ipython().run_cell_magic(name, line, body)` call ('' when unreadable).

    >>> _cell_magic("%%timeit -n 3\\n")
    ('timeit', None)
    >>> _cell_magic("get_ipython().run_cell_magic('time', '', 'x = 1')")
    ('time', 'x = 1')
    """
    if head.startswith("%%"):
        words = head[2:].split()
        return (words[0] if words else ""), None
    try:
        call = ast.parse(head.strip(), mode="eval").body
        name, _, body = (ast.literal_eval(arg) for arg in call.args)  # type: ignore[attr-defined]
    except (SyntaxError, ValueError, TypeError, AttributeError, MemoryError, RecursionError):
        return "", None
    return (name, body) if isinstance(name, str) and isinstance(body, str) else ("", None)


def _lines(source: str) -> list[str]:
    """Physical lines as Python counts them (at "\\n" only), each keeping its end.

    >>> _lines("a\\x0cb\\nc")
    ['a\\x0cb\\n', 'c']
    """
    return re.findall(r"[^\n]*\n|[^\n]+$", source)


def _strip_lines(lines: list[str], work: Work) -> tuple[str, int]:
    spans = _ipython_spans(lines, work)
    if spans is None:
        spans = _token_spans(lines, escapes=True)
    else:  # IPython leaves nbconvert's get_ipython() calls alone: they are Python
        spans += _token_spans(_blanked(lines, spans), escapes=False)
    return "".join(_blanked(lines, spans, placeholders=True)), len(spans)


def _blanked(lines: list[str], spans: list[tuple[int, int]],
             placeholders: bool = False) -> list[str]:
    """The lines with each (first, last) span emptied; with placeholders, a dropped line
    that was a block's whole body becomes `pass` (`for ...:` then `!echo` stays valid)."""
    out = list(lines)
    for first, last in sorted(spans):
        for row in range(first, last + 1):
            out[row] = "\n" if lines[row].endswith("\n") else ""
        indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        if placeholders and indent and _opens_block(out, first):
            out[first] = indent + "pass" + out[first]
    return out


def _opens_block(lines: list[str], row: int) -> bool:
    """Whether the nearest code line above `row` ends with ':' (a comment aside)."""
    for above in range(row - 1, max(-1, row - 100), -1):
        code = re.sub(r"#[^'\"]*$", "", lines[above]).strip()
        if code:
            return code.endswith(":")
    return False


def _ipython_spans(lines: list[str], work: Work | None = None) -> list[tuple[int, int]] | None:
    """The (first, last) lines of each piece of IPython syntax, found by IPython's own
    transformer one at a time as it does; None without IPython (or once `work` is spent)."""
    work = work if work is not None else Work()
    try:
        from IPython.core import inputtransformer2 as it2
    except Exception:  # noqa: BLE001 - not installed, or broken: tokenize does it
        return None
    finders = (it2.MagicAssign, it2.SystemAssign, it2.EscapedCommand, it2.HelpEnd)
    text, spans, size = list(lines), [], max(1, sum(map(len, lines)))
    try:
        while work.left >= size:
            work.left -= size
            groups = it2.make_tokens_by_line(text)
            found = sorted((f for f in (c.find(groups) for c in finders) if f),
                           key=it2.TokenTransformBase.sortby)
            span = next((s for s in (_ipython_span(t, groups, text, it2) for t in found) if s),
                        None)
            if span is None:
                return spans
            spans.append(span)
            text = _blanked(text, [span])
    except Exception:  # noqa: BLE001 - IPython failed on this text: tokenize does it
        return None
    return None


def _ipython_span(found, groups: list, work: list[str], it2) -> tuple[int, int] | None:
    """The lines IPython's transform `found` replaces (None if IPython rejects it)."""
    try:
        found.transform(work)  # IPython's own word that this is its syntax (obj? targets)
    except SyntaxError:
        return None
    row = found.start_line
    first = next((g[0].start[0] - 1 for g in groups
                  if any(t.start == (row + 1, found.start_col) for t in g)), row)
    if isinstance(found, it2.HelpEnd):
        return first, found.q_line
    return first, min(len(work) - 1, it2.find_end_of_continued_line(work, row))


def _token_spans(lines: list[str], escapes: bool) -> list[tuple[int, int]]:
    """IPython syntax found with `tokenize` alone, as IPython finds it (escapes False:
    only `get_ipython()` statements).

    >>> _token_spans(["x = (1,\\n", "  % 2)\\n", "%time f()\\n"], escapes=True)
    [(2, 2)]
    """
    spans, row, helps = [], 0, escapes
    while row < len(lines):
        text = lines[row].lstrip()
        if not text.strip() or text.startswith("#"):
            row += 1
            continue
        if escapes and text[:1] in ESCAPES and not text.startswith(OPERATORS):
            last, special = _continued(lines, row), True
        else:
            last, special = _statement(lines, row, escapes, helps)
            helps = helps and special is not None  # IPython's HelpEnd is stuck on a bad one
        if special:
            spans.append((row, last))
        row = last + 1
    return spans


def _continued(lines: list[str], row: int) -> int:
    """The last line of a line continued with backslashes."""
    while row + 1 < len(lines) and lines[row].endswith("\\\n"):
        row += 1
    return row


def _statement(lines: list[str], row: int, escapes: bool,
               helps: bool) -> tuple[int, bool | None]:
    """(last line, whether it is IPython syntax) of the logical line starting at `row`:
    `x = %magic`, `x = !cmd` (up to its line's end), `obj?` (None: a `?` IPython rejects),
    or a get_ipython() call. Only a few tokens are kept, however long the line."""
    rows = iter(range(row, len(lines)))

    def readline() -> str:
        at = next(rows, None)
        return "" if at is None else lines[at].lstrip() if at == row else lines[at]

    head: list[str] = []  # the first four tokens
    assign: tokenize.TokenInfo | None = None  # the first '=' outside brackets
    after: list[tokenize.TokenInfo] = []  # ... and up to four tokens after it
    tail: deque[tokenize.TokenInfo] = deque(maxlen=2)  # where IPython looks for `obj?`
    depth = count = 0
    try:
        for token in tokenize.generate_tokens(readline):
            at = row + token.start[0] - 1
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                return at, _is_call(head, after) or (
                    helps and count > 1 and _is_help(lines, row, tail[-1]))
            count += 1
            tail.append(token)
            if token.type in _SKIPPED or (token.type == tokenize.ERRORTOKEN
                                          and token.string.isspace()):
                continue
            if assign is None:
                head += [token.string] if len(head) < 4 else []
                assign = token if token.string == "=" and depth == 0 else None
            elif len(after) < 4:
                after.append(token)
                if escapes and _is_magic_assign(assign, after):
                    return _continued(lines, at), True
            if token.type == tokenize.OP:
                depth += (token.string in _OPENING) - (token.string in _CLOSING)
    except (tokenize.TokenError, SyntaxError) as exc:
        if "EOF" in str(exc.args[0]):  # an open bracket or string runs to the cell's end
            return len(lines) - 1, helps and count > 2 and _is_help(lines, row, tail[-2])
        where = exc.lineno if isinstance(exc, SyntaxError) else exc.args[1][0]
        at = min(len(lines) - 1, row + max(1, where or 1) - 1)
        return at, helps and lines[at].rstrip().endswith("?") and _is_help(lines, row, None)
    return len(lines) - 1, False


def _is_magic_assign(assign: tokenize.TokenInfo, after: list[tokenize.TokenInfo]) -> bool:
    """`x = %magic` (a NAME after the %) or `x = !cmd`, as IPython's finders see them."""
    if len(after) == 1 and after[0].string == "!":
        return not assign.line.strip().startswith("=")
    return len(after) == 2 and after[0].string == "%" and after[1].type == tokenize.NAME


def _is_call(head: list[str], after: list[tokenize.TokenInfo]) -> bool:
    """A statement starting `get_ipython().` or `x = get_ipython().` (nbconvert's form)."""
    return _IPYTHON_CALL in (head, [t.string for t in after])


def _is_help(lines: list[str], row: int, mark: tokenize.TokenInfo | None) -> bool | None:
    """Whether the logical line from `row` to its `?` token (`mark`; None: the line's end)
    is IPython's `obj?`: True, or None when IPython's HelpEnd finds but rejects it."""
    if mark is not None and mark.string != "?":
        return False
    last = row + mark.start[0] - 1 if mark is not None else row
    content = (lines[row].lstrip() + "".join(lines[row + 1:last + 1])).rstrip("\n")
    return True if _HELP_END.search(content) else None
