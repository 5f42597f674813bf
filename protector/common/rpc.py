"""oslo.messaging set-up shared by protector-api and protector-engine."""

from oslo_config import cfg
import oslo_messaging as messaging
from oslo_messaging import opts as messaging_opts

from protector.common import context as protector_context

CONF = cfg.CONF
# Only our own typed errors cross the RPC boundary as themselves.
ALLOWED_EXMODS = ['protector.common.exception', 'protector.drivers.errors']

_TRANSPORT = None

messaging.set_transport_defaults(control_exchange='protector')


def register_opts(conf=CONF):
    """Register transport_url and friends before the config is parsed."""
    for group, opts in messaging_opts.list_opts():
        if group in (None, 'DEFAULT'):
            conf.register_opts(opts)


class ContextSerializer(messaging.NoOpSerializer):
    """Carry the request context of the API into the engine."""

    def serialize_context(self, context):
        return context.to_dict()

    def deserialize_context(self, context):
        return protector_context.RequestContext.from_dict(context)


def init(conf=CONF):
    global _TRANSPORT
    if _TRANSPORT is None:
        _TRANSPORT = messaging.get_rpc_transport(
            conf, allowed_remote_exmods=ALLOWED_EXMODS)
    return _TRANSPORT


def cleanup():
    global _TRANSPORT
    if _TRANSPORT is not None:
        _TRANSPORT.cleanup()
        _TRANSPORT = None


def get_client(topic, version='1.0'):
    target = messaging.Target(topic=topic, version=version)
    return messaging.get_rpc_client(init(), target,
                                    serializer=ContextSerializer())


def get_server(topic, host, endpoints):
    target = messaging.Target(topic=topic, server=host)
    return messaging.get_rpc_server(init(), target, endpoints,
                                    executor='threading',
                                    serializer=ContextSerializer())
