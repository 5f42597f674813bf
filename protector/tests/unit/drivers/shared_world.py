"""The fake world kept in a state file, as the functional sites keep it."""

import os

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture

from protector.tests.fake_drivers import world as fake_world


class SharedWorld(fixtures.Fixture):
    """``[fake_world] state_file`` set to a new file; ``path`` is it."""

    def _setUp(self):
        self.path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                                 'fake-world')
        self.useFixture(config_fixture.Config(cfg.CONF)).config(
            state_file=self.path, group='fake_world')
        fake_world.reset()
