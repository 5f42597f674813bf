"""Alembic environment for taskflow's own migration scripts.

taskflow keeps its version in ``alembic_version``, the table protector's
schema already uses; in protector's database its version lives in
``taskflow_alembic_version`` instead.
"""

from alembic import context

connection = context.config.attributes['connection']
context.configure(connection=connection,
                  version_table='taskflow_alembic_version')
with context.begin_transaction():
    context.run_migrations()
