"""Outcomes and dashboards: pure frames computed live from the database with `scoring/`.

`snapshot.build_outcomes` loads one consistent snapshot (`source`) and derives the per-visit
measures (`measures`), baselines and changes (`baseline`), intercurrent events (`events`) and the
response status (`responses`, explained by `explain`); `dashboard`, `safety`, `efficacy` and the
subject `timeline` frames are read from it. `per_subject` keeps those frames subject by subject
(keyed on each subject's newest audit row) and, after an edit, recomputes only the subjects
edited, spliced in the canonical row order of `order`: equal to `build_outcomes`.
"""
