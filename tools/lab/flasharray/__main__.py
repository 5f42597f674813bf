"""``python -m tools.lab.flasharray`` runs the emulator (a test fixture)."""

import sys

from tools.lab.flasharray import emulator

sys.exit(emulator.main())
