"""Course workflows that package mindlab: exercises from masters, handouts, Gradescope.

- generate.py        one master per lab (labs/LAB.py) -> exercises, solutions, notebooks
- release.py         the student handout: nothing in it that gives answers away
- gradescope_zip.py  Gradescope's autograder.zip
- gradescope_run.py  what runs inside Gradescope for each submission

Instructor tools: a student handout leaves this folder out (release.INSTRUCTOR_ONLY).
"""
