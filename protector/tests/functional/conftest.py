"""pytest fixtures of the functional tests."""

import os
import shutil
import tempfile

import pytest

from protector.tests.functional.two_sites import TwoSites


@pytest.fixture(scope='session')
def two_sites():
    base_dir = tempfile.mkdtemp(prefix='protector-functional-')
    env = TwoSites(base_dir)
    try:
        env.start()
        yield env
    finally:
        env.stop()
        if os.environ.get('PROTECTOR_FUNCTIONAL_KEEP') != '1':
            shutil.rmtree(base_dir, ignore_errors=True)
        else:
            print('functional state kept in %s' % base_dir)
