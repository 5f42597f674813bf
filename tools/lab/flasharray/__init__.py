"""FlashArray emulator: a test fixture for the two-site lab.

It speaks enough of the Pure Storage REST 1.x protocol for the
``purestorage`` client, and its volumes are plain files in a directory.
See README.rst for what it covers and what it does not.
"""
