"""The grade report: the SPEC §4 JSON object, built from per-check results."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class TestResult:
    name: str  # the claim, as the learner reads it
    passed: bool
    score: float
    max_score: float
    feedback: str
    id: str = ""  # the check's function name: stable across wording changes
    function: str = ""  # the graded function it is about
    # "passed", "failed", or "not run" (a check it needs did not pass: see checks.check)
    status: str = ""

    def __post_init__(self) -> None:
        if not self.status:
            self.status = "passed" if self.passed else "failed"


@dataclass
class ToolResult:
    id: str
    title: str
    score: float
    max_score: float
    tests: list[TestResult] = field(default_factory=list)


@dataclass
class Report:
    submission: str
    lab: str
    status: str  # "graded", or "error" when the grader itself could not grade
    score: float
    max_score: float
    tools: list[ToolResult] = field(default_factory=list)
    # extensions beyond SPEC §4 (extra keys only; the SPEC keys keep their meaning)
    suite: str = "hidden"
    notes: list[str] = field(default_factory=list)  # load problems, dropped magics, ...
    integrity: list[str] = field(default_factory=list)  # functions borrowed from the reference
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        tools = [ToolResult(**{**t, "tests": [TestResult(**x) for x in t["tests"]]})
                 for t in data["tools"]]
        return cls(**{**data, "tools": tools})


def tool_result(tool_id: str, title: str, tests: list[TestResult]) -> ToolResult:
    return ToolResult(tool_id, title, sum(t.score for t in tests),
                      sum(t.max_score for t in tests), tests)
