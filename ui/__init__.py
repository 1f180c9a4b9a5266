"""Streamlit glue shared by the pages: resources, sign-in state, guards, navigation, widgets."""
