"""Pure clinical scoring for lupus trials: no database, no Streamlit, no I/O.

Every function implements a section of `spec/scoring.md` and every result explains itself.
"""
