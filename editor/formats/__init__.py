"""File formats: the native TEI standoff file, bracketed text, and the exchange formats.

Nothing here imports Qt.
"""
