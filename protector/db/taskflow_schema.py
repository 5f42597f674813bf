"""The tables taskflow keeps the state of running operations in.

They live in protector's own database (every step of an operation is
saved there, so that a restarted engine continues it).  On SQLite taskflow
creates them from its models, as taskflow itself does; on other databases
taskflow's alembic scripts run with a version table of their own.
"""

import contextlib
import os

from alembic import command
from alembic import config as alembic_config
from taskflow.persistence.backends import impl_sqlalchemy
from taskflow.persistence.backends.sqlalchemy import migration

_ENV = os.path.join(os.path.dirname(__file__), 'taskflow_migrations')
VERSION_TABLE = 'taskflow_alembic_version'


def _config():
    config = alembic_config.Config()
    config.set_main_option('script_location', _ENV)
    config.set_main_option('version_locations', os.path.join(
        os.path.dirname(migration.__file__), 'alembic', 'versions'))
    return config


def upgrade(engine):
    """Create or upgrade taskflow's tables in ``engine``'s database."""
    if engine.url.drivername.startswith('sqlite'):
        backend = impl_sqlalchemy.SQLAlchemyBackend(
            {'connection': str(engine.url)}, engine=engine)
        with contextlib.closing(backend.get_connection()) as connection:
            connection.upgrade()
        return
    config = _config()
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        command.upgrade(config, 'heads')
