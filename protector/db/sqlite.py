"""SQLite as the database of an engine that runs operations.

An operation's tasks write from several threads (taskflow saves each
task's state, tasks record their progress).  SQLite's default deferred
transactions deadlock when two of them read and then both want to write:
one fails at once with "database is locked".  Transactions that take the
write lock when they begin (``BEGIN IMMEDIATE``) wait for each other
instead (up to the driver's busy timeout).  Other databases lock rows.
"""

import sqlalchemy as sa

_MARK = 'protector_immediate_transactions'


def _begin_immediate(connection, cursor, statement, parameters, context,
                     executemany):
    # oslo.db begins SQLite transactions itself with a plain BEGIN.
    if statement == 'BEGIN':
        statement = 'BEGIN IMMEDIATE'
    return statement, parameters


def immediate_transactions(engine):
    """Make each transaction of a SQLite ``engine`` take the write lock.

    Nothing changes for other databases.
    """
    if not engine.url.drivername.startswith('sqlite'):
        return
    if engine.dialect.__dict__.get(_MARK):
        return
    sa.event.listen(engine, 'before_cursor_execute', _begin_immediate,
                    retval=True)
    engine.dialect.__dict__[_MARK] = True
