"""`python -m mindlab_grader.cli` is `mindlab`."""

from . import main

main()
