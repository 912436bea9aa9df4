"""Screens of the browser: browse (list and detail), help and the copy menu."""
