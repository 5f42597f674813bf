"""Schema migrations (alembic) for ``protector-manage db``."""

import os

from alembic import command
from alembic import config as alembic_config
from alembic import migration
from oslo_config import cfg

from protector.db import api as db_api
from protector.db import taskflow_schema

_SCRIPTS = os.path.join(os.path.dirname(__file__), 'migrations')


def _config():
    config = alembic_config.Config()
    config.set_main_option('script_location', _SCRIPTS)
    return config


def upgrade(revision='head'):
    engine = db_api.get_engine()
    config = _config()
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        command.upgrade(config, revision)
    if revision == 'head':
        # The state of running operations (taskflow) lives in the same
        # database; see protector.db.taskflow_schema.
        taskflow_schema.upgrade(engine)


def version():
    engine = db_api.get_engine()
    with engine.connect() as connection:
        return migration.MigrationContext.configure(
            connection).get_current_revision()


def configure(conf=cfg.CONF):
    db_api.configure(conf)
