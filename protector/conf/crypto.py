from oslo_config import cfg

group = cfg.OptGroup('crypto', title='Encryption of stored secrets')

opts = [
    cfg.StrOpt('key_file', default='$state_path/secret.key',
               help='Fernet key that encrypts site passwords and array API '
                    'tokens in the database. Created (mode 0600) on first '
                    'use. Keep a copy: without it the stored secrets are '
                    'lost.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
