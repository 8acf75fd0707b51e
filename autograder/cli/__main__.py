"""`python -m autograder.cli` is `mindlab`."""

from . import main

main()
