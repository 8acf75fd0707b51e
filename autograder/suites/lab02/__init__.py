"""Lab 02's suites: public/ (shipped to learners) and hidden/ (the grade), one file per tool."""
