"""Options of the Pure FlashArray storage driver: group ``[pure]``."""

from oslo_config import cfg

from protector.conf import retries

group = cfg.OptGroup('pure', title='Pure Storage FlashArray driver')

opts = [
    cfg.StrOpt('volume_name_template', default='volume-%(id)s-cinder',
               help='Name of the array volume behind a Cinder volume; '
                    '%(id)s is the Cinder volume id. The Pure FlashArray '
                    'Cinder driver names its volumes "volume-%(id)s-cinder" '
                    '(the default); a file backend that shares its files '
                    'with the array (the lab) names them "volume-%(id)s". '
                    'Volumes of a sync (ActiveCluster) group are in its pod '
                    'and get "<pod>::" in front.'),
    cfg.BoolOpt('verify_https', default=False,
                help='Verify the TLS certificate of the arrays. Off by '
                     'default like the purestorage client and the Cinder '
                     'Pure driver; turn it on (with ca_certificate for a '
                     'private CA) wherever the arrays have certificates '
                     'that can be verified, since the API tokens travel '
                     'over this connection.'),
    cfg.StrOpt('ca_certificate',
               help='CA bundle (PEM file) to verify the arrays with when '
                    'verify_https is on; the system CAs without it.'),
    cfg.IntOpt('request_timeout', default=60, min=1,
               help='Seconds to wait for one answer of an array.'),
    cfg.IntOpt('retry_attempts', default=4, min=1,
               help='Calls at most, the first included, when an array '
                    'answers with a transient failure (HTTP 5xx or 429, a '
                    'refused, reset or timed out connection, "busy"). '
                    'Refusals (unknown or duplicate names, bad values) are '
                    'never repeated.'),
    *retries.backoff_opts(),
    cfg.FloatOpt('poll_interval', default=2.0, min=0.05,
                 help='Seconds between two reads of a transfer or a '
                      'setting protector waits for.'),
    cfg.IntOpt('propagation_timeout', default=180, min=1,
               help='Seconds to wait for a setting to reach the other '
                    'array: a new target group to appear on the target, '
                    '"allowed" to reach the source.'),
    cfg.IntOpt('transfer_timeout', default=3600, min=1,
               help='Seconds to wait for a replicated snapshot to be '
                    'complete on the target when the caller gives no '
                    'timeout.'),
]


def register_opts(conf):
    # A group object of its own for each ConfigOpts: a shared one would
    # share the overrides set on one of them with all.
    conf.register_group(cfg.OptGroup(group.name, title=group.title))
    conf.register_opts(opts, group=group.name)


def list_opts():
    return {group: opts}
