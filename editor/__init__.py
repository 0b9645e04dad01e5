"""Variorum: a desktop editor for documentary editions.

The package is layered:

* ``editor.model``    the edition model (pure Python, never imports Qt);
* ``editor.align``    word-level alignment of two witnesses (diff-match-patch);
* ``editor.anchor``   re-anchoring annotations after a witness text is replaced;
* ``editor.formats``  file formats: the native TEI standoff file, bracketed text, exports;
* ``editor.io``       safe file input and output (atomic writes, locks, recovery);
* ``editor.cli``      the ``variorum`` command line;
* ``editor.ui`` / ``editor.commands``  the thin Qt interface and its undo commands.
"""

__version__ = "0.1.0"
