"""Plain text of one witness: transcribed, clean or diplomatic (``--to text``).

The bytes are UTF-8 without a byte-order mark, lines end with ``\\n``, paragraphs are
separated by one blank line.  The ``transcribed`` reading is the witness text exactly as
the model holds it (nothing added, not even a final newline); the ``clean`` and
``diplomatic`` readings and their marks are described in :mod:`editor.formats.readings`
and in ``docs/exports.md``.
"""

from __future__ import annotations

from editor.formats.readings import choose_witness, reading
from editor.formats.registry import ExportOptions
from editor.model.edition import Edition


def export_text(edition: Edition, options: ExportOptions | None = None) -> bytes:
    """The ``options.reading`` of ``options.witness`` (default: the first witness)."""
    options = options or ExportOptions()
    witness_id = choose_witness(edition, options.witness)
    result = reading(edition, witness_id, options.reading or "transcribed",
                     include_rejected=options.include_rejected)
    return result.render().encode("utf-8")
