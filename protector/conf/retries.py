"""The backoff options every driver that repeats transient failures has.

Both drivers repeat a call with a wait that doubles from
``retry_interval`` up to ``retry_max_interval``; each group gets its own
option objects, with the same meaning and defaults.
"""

from oslo_config import cfg


def backoff_opts():
    return [
        cfg.FloatOpt('retry_interval', default=1.0, min=0,
                     help='Seconds before the first repeat of a call; the '
                          'wait doubles with each repeat.'),
        cfg.FloatOpt('retry_max_interval', default=30.0, min=0,
                     help='Upper bound, in seconds, of one wait between two '
                          'repeats.'),
    ]
