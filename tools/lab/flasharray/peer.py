"""Calls between connected emulators.

Two connected arrays talk over a private channel of the emulator under
``/_peer/`` (a real array uses its replication ports instead).  A caller
proves itself with the callee's connection key, which it learnt when the
arrays were connected.  Everything stays on loopback.
"""

import http.client
import json
import ssl
import urllib.parse

from tools.lab.flasharray import errors

KEY_HEADER = "X-Emulator-Connection-Key"


def quote(name):
    return urllib.parse.quote(name, safe="")


class PeerClient(object):

    def __init__(self, address, key, timeout=10):
        host, _, port = address.rpartition(":")
        self.host = host or address
        self.port = int(port) if port else 443
        self.key = key
        self.timeout = timeout
        self._context = ssl.create_default_context()
        # Emulators use throw-away self-signed certificates on loopback.
        self._context.check_hostname = False
        self._context.verify_mode = ssl.CERT_NONE

    def call(self, method, path, body=None, data=None, params=None):
        """JSON call; ``data`` sends raw bytes instead of a JSON body."""
        if params:
            path = "%s?%s" % (path, urllib.parse.urlencode(params))
        headers = {KEY_HEADER: self.key}
        if data is not None:
            payload = data
            headers["Content-Type"] = "application/octet-stream"
        else:
            payload = json.dumps(body if body is not None else {}).encode()
            headers["Content-Type"] = "application/json"
        conn = http.client.HTTPSConnection(self.host, self.port,
                                           timeout=self.timeout,
                                           context=self._context)
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        try:
            content = json.loads(raw) if raw else None
        except ValueError:
            content = raw.decode(errors="replace")
        if response.status != 200:
            raise errors.PeerError(response.status, content)
        return content
