"""Safe file input and output: atomic writes, backups, text decoding, locks, recovery."""
