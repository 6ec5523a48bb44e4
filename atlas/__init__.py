"""Netzwerkatlas domain: schemas, loading and validation, filtering, scoring, text.

No Streamlit import anywhere in this package: everything here is a pure function
that the pages call and the tests exercise directly.
"""
