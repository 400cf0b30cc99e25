"""Limits on what the readers accept. Read at call time, so tests and settings can change them."""

MAX_BYTES = 50 * 1024 * 1024  # larger files are refused before they are read
SNIFF_BYTES = 8192  # a NUL byte in this many leading bytes marks a file as binary
