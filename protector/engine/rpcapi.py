"""Client side of the engine's RPC API, used by protector-api."""

from oslo_config import cfg

from protector.common import rpc

CONF = cfg.CONF


class EngineAPI(object):
    """Every method is a blocking call: the caller waits for the answer."""

    def __init__(self):
        self.client = rpc.get_client(CONF.engine.topic)

    def _call(self, context, method, **kwargs):
        cctxt = self.client.prepare(timeout=CONF.engine.rpc_timeout)
        return cctxt.call(context, method, **kwargs)

    def __getattr__(self, method):
        if method.startswith('_'):
            raise AttributeError(method)
        return lambda context, **kwargs: self._call(context, method,
                                                    **kwargs)
