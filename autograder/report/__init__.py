"""The grade report and its formats: one model, one file per way of writing it out.

- model.py            the SPEC §4 report (Report, ToolResult, TestResult)
- text.py             for a terminal (check50's spirit)
- junit.py            JUnit XML
- gradescope_json.py  Gradescope's results.json
- html.py             the class report of a batch (report.html)
"""

from .model import Report, TestResult, ToolResult, tool_result

__all__ = ["Report", "TestResult", "ToolResult", "tool_result"]
