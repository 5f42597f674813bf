from oslo_config import cfg

group = cfg.OptGroup('api', title='protector-api options')

opts = [
    cfg.HostAddressOpt('bind_host', default='0.0.0.0',
                       help='Address protector-api listens on.'),
    cfg.PortOpt('bind_port', default=8788,
                help='Port protector-api listens on.'),
    cfg.IntOpt('workers', default=8, min=1,
               help='Threads serving requests in the built-in server of '
                    'the protector-api console script. Under uWSGI (or '
                    'another WSGI server) its own processes and threads '
                    'apply instead.'),
    cfg.IntOpt('backlog', default=1024, min=1,
               help='Connections the built-in server of the protector-api '
                    'console script lets wait while all its threads are '
                    'busy (the listen(2) backlog; the kernel caps it at '
                    'net.core.somaxconn). Under uWSGI its "listen" option '
                    'applies instead.'),
    cfg.IntOpt('max_peer_document_size', default=64 * 1024 * 1024, min=1,
               help='Largest protection group document (bytes) the peer '
                    'site may push (/v1/admin/sync/...). It holds every '
                    "member's captured server, user data included, so it "
                    'outgrows [oslo_middleware] max_request_body_size, '
                    'which limits every other request.'),
    cfg.IntOpt('max_limit', default=1000, min=1,
               help='Most items one page of a list holds: the page size '
                    'when a request gives no limit, and the cap of a '
                    'larger one. The response then links to the next '
                    'page.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
