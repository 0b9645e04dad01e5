"""Review: decisions on annotations, differences turned into proposals, merging copies.

Pure Python (never imports Qt): :mod:`state` (what counts as reviewed, who may accept),
:mod:`proposals` (differences of the alignment not yet explained, and what to propose for
them), :mod:`merge` (combining two copies of one edition) and :mod:`report` (the figures
of ``variorum review-report``).  See ``docs/review.md``.
"""
