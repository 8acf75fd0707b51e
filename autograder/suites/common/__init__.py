"""Suite helpers every lab shares (each lab keeps its own inputs and parameter names).

- calls.py  call a learner's function on fresh copies; raised / changed inputs -> feedback
- hints.py  name a learner's mistake by the output it produced (hidden suites only, so it
            stays out of the student handout: `mindlab release` ships what public checks import)
"""
