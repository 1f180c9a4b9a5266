"""Pure Altair chart builders: frames in, `alt.Chart` out; no Streamlit, no database.

`timeline` draws one subject's casebook panels on a shared study-day axis, `spaghetti` a measure
over time for every subject, `swimmer` adverse events as lanes; `palette` fixes clinical colours
so they never change with the theme (spec/streamlit.md §8).
"""
