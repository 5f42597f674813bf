"""The alembic migrations build exactly the schema the models describe."""

import os

from alembic import autogenerate
from alembic import command
from alembic import migration as alembic_migration
from alembic import script
import fixtures
import sqlalchemy as sa
import testtools

from protector.db import migration
from protector.db.migrations import heads
from protector.db import models


class TestMigrations(testtools.TestCase):

    def setUp(self):
        super().setUp()
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'migrate.db')
        self.engine = sa.create_engine('sqlite:///' + path)
        self.addCleanup(self.engine.dispose)

    def _upgrade(self, revision='head'):
        config = migration._config()
        with self.engine.begin() as connection:
            config.attributes['connection'] = connection
            command.upgrade(config, revision)

    def _revision(self):
        with self.engine.connect() as connection:
            return alembic_migration.MigrationContext.configure(
                connection).get_current_revision()

    def test_head_is_the_single_newest_migration(self):
        scripts = script.ScriptDirectory.from_config(migration._config())

        self.assertEqual([heads.HEAD], scripts.get_heads())

    def test_upgrade_reaches_head(self):
        self._upgrade()

        self.assertEqual(heads.HEAD, self._revision())
        self.assertEqual(
            set(models.Base.metadata.tables) | {'alembic_version'},
            set(sa.inspect(self.engine).get_table_names()))

    def test_upgrade_twice_is_harmless(self):
        self._upgrade()
        self._upgrade()

        self.assertEqual(heads.HEAD, self._revision())

    def test_head_matches_the_models(self):
        self._upgrade()

        with self.engine.connect() as connection:
            context = alembic_migration.MigrationContext.configure(
                connection, opts={'compare_type': True,
                                  'compare_server_default': True})
            differences = autogenerate.compare_metadata(
                context, models.Base.metadata)

        self.assertEqual([], differences)
