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


@pytest.fixture(scope='module', autouse=True)
def world_of_the_module(request):
    """The fake world a module's tests see.

    The modules of the two sites see the sites' world (the file their
    engines share); the others (the take-over tests, built on the unit
    test base) keep a world of their own in memory.  Neither ever changes
    the other's clouds, whatever order the modules run in.
    """
    if 'two_sites' in request.fixturenames:
        request.getfixturevalue('two_sites').share_world()
    else:
        TwoSites.unshare_world()
    yield
