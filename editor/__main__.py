"""``python -m editor`` is the same as the ``variorum`` command."""

import sys

from editor.cli import main

if __name__ == "__main__":
    sys.exit(main())
