"""With PROTECTOR_LAB_REQUIRED=1 (``tox -e lab``) a missing lab is an error.

Without it, the lab tests skip themselves when the lab's environment
(``eval "$(tools/lab/labctl env)"``) is missing.
"""

import os

import pytest

NEEDED = ('OS_CLIENT_CONFIG_FILE', 'PROTECTOR_LAB_DIR', 'PROTECTOR_LAB_CLOUD',
          'PROTECTOR_LAB_ARRAY_A_URL', 'PROTECTOR_LAB_ARRAY_A_TOKEN',
          'PROTECTOR_LAB_ARRAY_B_URL', 'PROTECTOR_LAB_ARRAY_B_TOKEN',
          'PROTECTOR_LAB_METRICS_A_URL', 'PROTECTOR_LAB_TRANSPORT_A_URL')


def pytest_sessionstart(session):
    if os.environ.get('PROTECTOR_LAB_REQUIRED') != '1':
        return
    missing = [name for name in NEEDED if not os.environ.get(name)]
    if missing:
        pytest.exit('the lab tests need the running lab and its environment '
                    '(missing: %s): run tools/lab/labctl up, then '
                    'eval "$(tools/lab/labctl env)"' % ', '.join(missing),
                    returncode=2)
