from oslo_config import cfg

opts = [
    cfg.StrOpt('site_name',
               default='site-a',
               help='Name under which this site is registered. Registering '
                    'a site of this name makes it the local site; the other '
                    'registered site is the peer.'),
    cfg.StrOpt('auth_strategy',
               default='keystone',
               choices=[('keystone', 'Validate Keystone tokens with '
                                     'keystonemiddleware.'),
                        ('noauth', 'No authentication: every request is '
                                   'admin. Local development only.')],
               help='How API requests are authenticated.'),
    cfg.StrOpt('state_path',
               default='/var/lib/protector',
               help='Directory for the service state (the encryption key).'),
]


def register_opts(conf):
    conf.register_opts(opts)


def list_opts():
    return {'DEFAULT': opts}
