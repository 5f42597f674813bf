"""Fixtures of the FlashArray emulator contract tests: emulators run as
real processes on loopback and are driven with the real ``purestorage``
client."""

import os
import sys
import warnings

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__),
                                    "..", "..", "..", ".."))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

pytest.importorskip("purestorage")
# The client does not verify the emulator's self-signed certificate.
warnings.filterwarnings("ignore", message="Unverified HTTPS request")

from tools.lab.flasharray.tests import fixtures  # noqa: E402


@pytest.fixture
def emulators(tmp_path):
    """Start emulators on demand; stop them all at the end."""
    started = []

    def start(name, *extra_args):
        emulator = fixtures.EmulatorProcess(str(tmp_path), name, *extra_args)
        started.append(emulator)
        return emulator.start()

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """Arrays A and B, connected, shared by the tests of a module."""
    root = str(tmp_path_factory.mktemp("pair"))
    a = fixtures.EmulatorProcess(root, "array-a",
                                 "--replication-bandwidth", str(4 << 20))
    b = fixtures.EmulatorProcess(root, "array-b")
    a.start()
    b.start()
    try:
        key = b.client().get(connection_key=True)["connection_key"]
        a.client().connect_array(b.address, key, ["replication"])
        yield a, b
    finally:
        a.stop()
        b.stop()
