"""oslo.messaging set-up shared by protector-api and protector-engine."""

from oslo_config import cfg
import oslo_messaging as messaging
from oslo_messaging import opts as messaging_opts

from protector.common import context as protector_context
from protector.common import exception

CONF = cfg.CONF
# Only our own typed errors cross the RPC boundary as themselves.
ALLOWED_EXMODS = ['protector.common.exception',
                  'protector.common.driver_errors']

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


def get_client(topic, version, version_cap=None):
    """A client of ``topic`` that sends no version newer than the cap."""
    target = messaging.Target(topic=topic, version=version)
    return messaging.get_rpc_client(init(), target,
                                    version_cap=version_cap,
                                    serializer=ContextSerializer())


def call(client, context, method, **kwargs):
    """Call the engine; 503 engine_unavailable when it does not answer.

    A ping first, which expires after ``[engine] call_monitor_timeout``
    seconds, so a dead or unreachable engine is refused in seconds with
    nothing left in its queue to run when it comes back.  Then the call,
    during which the engine sends a heartbeat every half of that time
    (oslo.messaging's call monitor), so an engine that dies while it works
    is told apart from a long call.

    ``client`` is prepared for the RPC API version that ``method`` needs
    (see ``protector.common.rpcapi``); the ping goes with that version.
    """
    seconds = CONF.engine.call_monitor_timeout
    try:
        client.prepare(timeout=seconds).call(context, 'ping')
    except (messaging.MessagingTimeout,
            messaging.MessageDeliveryFailure):
        raise exception.EngineUnavailable(site=CONF.site_name,
                                          seconds=seconds)
    cctxt = client.prepare(timeout=CONF.engine.rpc_timeout,
                           call_monitor_timeout=seconds)
    try:
        return cctxt.call(context, method, **kwargs)
    except (messaging.MessagingTimeout,
            messaging.MessageDeliveryFailure):
        raise exception.EngineLost(site=CONF.site_name, seconds=seconds)


def get_server(topic, host, endpoints):
    target = messaging.Target(topic=topic, server=host)
    return messaging.get_rpc_server(init(), target, endpoints,
                                    executor='threading',
                                    serializer=ContextSerializer())
