"""Outcomes and dashboards: pure frames computed live from the database with `scoring/`.

`snapshot.build_outcomes` loads one consistent snapshot (`source`) and derives the per-visit
measures (`measures`), baselines and changes (`baseline`), intercurrent events (`events`) and the
response status (`responses`, explained by `explain`); `dashboard`, `safety`, `efficacy` and the
subject `timeline` frames are read from it.
"""
