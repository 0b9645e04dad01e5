"""Keeping annotations on their words when a witness text is replaced wholesale."""
