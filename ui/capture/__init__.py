"""Data-capture renderers: forms generated from the study definition, saved through `records`.

`flow` runs every form the same way (seed the widgets from the saved record, keep entries on
error, ask for a reason and show what changed before an edit, show a conflict instead of
overwriting); the other modules lay out one kind of form each.
"""
