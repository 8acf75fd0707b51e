"""pyproject lists packages by hand (lab folders are mapped into mindlab_labs): keep it complete."""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_on_disk_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    on_disk = set()
    for top in ("mindlab_core", "autograder", "mindlab_labs"):
        for init in (ROOT / top).rglob("__init__.py"):
            name = ".".join(init.parent.relative_to(ROOT).parts)
            on_disk.add(name.replace("autograder", "mindlab_grader", 1))  # (package-dir)
    missing = sorted(on_disk - listed)
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_no_import_package_of_another_pypi_project():
    """`autograder` (3.7.7 on PyPI) installs the import package autograder: ours is the
    folder autograder/ mapped to mindlab_grader, so neither shadows the other."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    tops = {p.split(".")[0] for p in setuptools["packages"]}
    assert tops == {"mindlab_grader", "mindlab_core", "mindlab_labs"}
    assert setuptools["package-dir"]["mindlab_grader"] == "autograder"


def test_shipped_data_is_declared():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "data/*" in data["package-data"]["mindlab_core"]


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_names_of_our_own_and_what_students_install():
    """`mindlab` and `autograder` are other projects on PyPI: the distribution is ours,
    the command is still `mindlab`; the student extra brings JupyterLab and ipywidgets."""
    from mindlab_grader.names import DISTRIBUTION, FULL_INSTALL, distribution

    project = _project()
    assert project["name"] == DISTRIBUTION == "mindlab-interp"
    assert distribution("handout") == "mindlab-interp-handout"
    assert DISTRIBUTION in FULL_INSTALL and "pip install mindlab " not in FULL_INSTALL
    assert project["scripts"]["mindlab"] == "mindlab_grader.console:main"
    student = " ".join(project["optional-dependencies"]["student"])
    assert "jupyterlab" in student and "ipywidgets" in student


def test_dependency_floors_that_work():
    """matplotlib 3.6 has no legend(loc='outside lower center'), which the pictures use."""
    deps = {re.split(r"[<>=;\s]", d)[0]: d for d in _project()["dependencies"]}
    assert deps["matplotlib"].startswith("matplotlib>=3.7")
    assert "jupytext" in deps  # light/sphinx .py submissions are split by it (loader.py)


def test_the_handout_pyproject_carries_the_floors_and_the_student_extra():
    from mindlab_grader.handout.release import pyproject
    from mindlab_grader.labs import get_lab

    text = pyproject(get_lab("lab01"), ["mindlab_grader"])
    handout = tomllib.loads(text)["project"]
    assert handout["name"] == "mindlab-interp-handout"
    assert handout["dependencies"] == _project()["dependencies"]
    assert handout["optional-dependencies"]["student"] == \
        _project()["optional-dependencies"]["student"]
