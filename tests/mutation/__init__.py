"""Mutation testing of the hidden suites with cosmic-ray (docs/mutation.md).

`mutants` makes the mutants of a lab's solution (copies only, never the file itself),
`verdicts` grades them with the hidden suite and judges them with the property oracle,
`records` keeps the known-equivalent mutants and writes REPORT-<lab>.md.
"""
