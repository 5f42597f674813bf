"""What every protector process does before it starts working."""

import sys

from oslo_config import cfg
from oslo_log import log as logging

from protector.common import rpc
from protector import conf as protector_conf
from protector.conf import opts
from protector.db import api as db_api
from protector import version

CONF = protector_conf.CONF
LOG = logging.getLogger(__name__)


def prepare(argv=None, default_config_files=None, with_rpc=True,
            log_to_stderr=False, program=None):
    """Parse options and set up logging, the database and RPC.

    Command-line tools log to stderr so that their stdout stays their
    answer.  ``program`` names the log file in ``log_dir`` when
    ``log_file`` is not set: oslo.log takes the name of the script that
    started the process, which under a WSGI server is not protector's.
    """
    logging.register_options(CONF)
    if log_to_stderr:
        CONF.set_default('use_stderr', True)
    opts.set_defaults(CONF)
    CONF(sys.argv[1:] if argv is None else argv, project='protector',
         version=version.version_string(),
         default_config_files=default_config_files)
    if program and CONF.log_dir and not CONF.log_file:
        CONF.set_override('log_file', program + '.log')
    logging.setup(CONF, 'protector')
    db_api.configure(CONF)
    if with_rpc:
        rpc.init(CONF)


def log_options():
    CONF.log_opt_values(LOG, logging.DEBUG)


__all__ = ['prepare', 'log_options', 'cfg']
