"""Generate the single-mistake files from the correct ones: python tests/outside/_make_wrong.py

Each entry: (lab, stem, base correct file, wrong function, mistake, quoted contract sentence,
[(old, new), ...]). `old` must occur exactly once in the base file. The generated file is
standalone; its module docstring says what is wrong and why the contract forbids it.
The manifest is rewritten from the entries and the correct files' docstrings.
"""
import json
import pathlib
import re

HERE = pathlib.Path(__file__).parent
from _wrong_lab01 import LAB01  # noqa: E402
from _wrong_lab02 import LAB02  # noqa: E402


def source_of(text):
    doc = re.match(r'\s*"""(.*?)"""', text, re.S).group(1)
    return " ".join(doc.split())


def build(lab, entries):
    manifest = {}
    for path in sorted((HERE / lab).glob("correct_*.py")):
        manifest[path.stem] = {"wrong": None, "mistake": None,
                               "source": source_of(path.read_text())[:300]}
    for stem, base, func, mistake, quote, edits in entries:
        text = (HERE / lab / f"{base}.py").read_text()
        for old, new in edits:
            n = text.count(old)
            if n != 1:
                raise SystemExit(f"{stem}: {old!r} occurs {n} times in {base}")
            text = text.replace(old, new)
        doc = (f'"""{lab}, WRONG in `{func}`: {mistake}\n\n'
               f"Why the contract forbids it: {quote}\n\n"
               f"Otherwise identical to {base}.py (the other functions are correct).\n"
               f'"""')
        text = re.sub(r'\A\s*""".*?"""', lambda m: doc, text, count=1, flags=re.S)
        (HERE / lab / f"{stem}.py").write_text(text)
        manifest[stem] = {"wrong": func, "mistake": mistake,
                          "source": f"{base}.py with one change"}
    return manifest


if __name__ == "__main__":
    for lab in ("lab01", "lab02"):
        for old in (HERE / lab).glob("wrong_*.py"):
            old.unlink()
    manifest = {"lab01": build("lab01", LAB01), "lab02": build("lab02", LAB02)}
    (HERE / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print({lab: sum(1 for v in m.values() if v["wrong"]) for lab, m in manifest.items()})
