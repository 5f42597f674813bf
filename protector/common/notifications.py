"""Notifications: what protector tells the cloud's other services.

Sent with oslo.messaging's notifier (``[oslo_messaging_notifications]
driver``, ``transport_url`` and ``topics``; the topic defaults to
``protector_notifications``).  Payloads are versioned in the style of
Nova's versioned notifications, so that a consumer can tell which fields
to expect::

    {"protector_object.name": "ProtectionGroupRPOPayload",
     "protector_object.namespace": "protector",
     "protector_object.version": "1.0",
     "protector_object.data": {...}}

Add fields with a minor version; never remove or change one.  A
notification that cannot be sent is logged; it never stops the work that
made it.
"""

import socket

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
TOPIC = 'protector_notifications'
RETRY = 3

# Payload name -> version, one per kind of payload.
PAYLOAD_VERSIONS = {
    'ProtectionGroupRPOPayload': '1.0',
    'ProtectionGroupReadinessPayload': '1.0',
    'SitePayload': '1.0',
    'OperationPayload': '1.0',
}

_NOTIFIER = None


def _notifier():
    global _NOTIFIER
    if _NOTIFIER is None:
        transport = messaging.get_notification_transport(CONF)
        CONF.set_default('topics', [TOPIC],
                         group='oslo_messaging_notifications')
        # A few tries, not forever: an operation or the watch must not
        # wait for RabbitMQ to come back to go on.
        _NOTIFIER = messaging.Notifier(
            transport, publisher_id='protector-engine.%s' % (
                socket.gethostname()), retry=RETRY)
    return _NOTIFIER


def reset():
    """Forget the notifier (tests change the configuration)."""
    global _NOTIFIER
    _NOTIFIER = None


def payload(name, data):
    return {'protector_object.name': name,
            'protector_object.namespace': 'protector',
            'protector_object.version': PAYLOAD_VERSIONS[name],
            'protector_object.data': data}


def notify(context, event_type, name, data, priority='info'):
    """Send ``event_type`` with a ``name`` payload of ``data``.

    ``priority``: ``info``, ``warn`` or ``error``.
    """
    try:
        notifier = _notifier()
        getattr(notifier, priority)(context.to_dict(), event_type,
                                    payload(name, data))
    except Exception:
        LOG.exception('Notification %s could not be sent', event_type)
    else:
        LOG.info('Notification %(event)s sent (%(payload)s)',
                 {'event': event_type, 'payload': data.get('name') or
                  data.get('id', '')})
