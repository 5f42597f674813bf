"""SQLite, the embedded default, set up for several processes at once.

protector-api, protector-engine (with its operation threads) and the peer
site's pushes all write the same file.  Three settings make that safe:

- WAL journal: readers never wait for a writer, nor a writer for them;
- a busy timeout: a writer waits for the one before it instead of
  failing at once with "database is locked";
- transactions that write take the write lock when they begin (``BEGIN
  IMMEDIATE``).  A default (deferred) transaction that reads first and
  then writes cannot wait for the lock: when another writer went first,
  SQLite fails it at once, whatever the busy timeout.  Only transactions
  known to be read-only (``read_only()``, used by the db API's readers)
  begin deferred, so that reads stay concurrent.

Nothing changes for other databases.
"""

import contextlib
import contextvars

import sqlalchemy as sa

BUSY_TIMEOUT_MS = 30000

_read_only = contextvars.ContextVar('protector_sqlite_read_only',
                                    default=False)


@contextlib.contextmanager
def read_only():
    """Transactions begun inside only read."""
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)


def _on_connect(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute('PRAGMA busy_timeout = %d' % BUSY_TIMEOUT_MS)
        cursor.execute('PRAGMA journal_mode = WAL')
    finally:
        cursor.close()


def _begin_immediate(connection, cursor, statement, parameters, context,
                     executemany):
    # oslo.db begins SQLite transactions itself with a plain BEGIN.
    if statement == 'BEGIN' and not _read_only.get():
        statement = 'BEGIN IMMEDIATE'
    return statement, parameters


def set_up(engine):
    """Apply the settings above to a SQLite ``engine`` (once)."""
    if not engine.url.drivername.startswith('sqlite'):
        return
    if sa.event.contains(engine, 'connect', _on_connect):
        return
    sa.event.listen(engine, 'connect', _on_connect)
    sa.event.listen(engine, 'before_cursor_execute', _begin_immediate,
                    retval=True)
