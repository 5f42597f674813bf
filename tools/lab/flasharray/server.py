"""The HTTPS front end: REST 1.x under ``/api/<version>/``, the private
array-to-array channel under ``/_peer/``, and the emulator's own data path
under ``/_emulator/``."""

import http.cookies
import http.server
import json
import logging
import re
import socket
import urllib.parse

from tools.lab.flasharray import connections
from tools.lab.flasharray import errors
from tools.lab.flasharray import fixture
from tools.lab.flasharray import hosts
from tools.lab.flasharray import mirror
from tools.lab.flasharray import peer
from tools.lab.flasharray import pgroup_api
from tools.lab.flasharray import pods
from tools.lab.flasharray import replication
from tools.lab.flasharray import volume_api

LOG = logging.getLogger(__name__)
REST_VERSIONS = ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7",
                 "1.8", "1.9", "1.10", "1.11", "1.12", "1.13", "1.14",
                 "1.15", "1.16", "1.17", "1.18", "1.19"]
MAX_JSON_BODY = 1 << 20
MAX_DATA_BODY = 64 << 20
REASONS = {200: "OK", 400: "BAD REQUEST", 401: "UNAUTHORIZED",
           404: "NOT FOUND", 411: "LENGTH REQUIRED",
           413: "REQUEST ENTITY TOO LARGE",
           450: "REST API VERSION NOT SUPPORTED",
           500: "INTERNAL SERVER ERROR"}
SESSION_COOKIE = "session"


class Router(object):
    """Matches (method, path) against ``{name}`` patterns."""

    def __init__(self, routes):
        self._routes = []
        for route in routes:
            method, pattern, handler = route[:3]
            raw = len(route) > 3 and route[3] == "raw"
            regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
            self._routes.append((method, re.compile("^%s$" % regex),
                                 handler, raw))

    def match(self, method, path):
        allowed = False
        for route_method, regex, handler, raw in self._routes:
            m = regex.match(path)
            if m:
                if route_method == method:
                    groups = {k: urllib.parse.unquote(v)
                              for k, v in m.groupdict().items()}
                    return handler, groups, raw
                allowed = True
        if allowed:
            raise errors.ArrayError("Method %s is not supported on %s." % (
                method, path), path)
        raise errors.ArrayError("Unknown path %s." % path, path, status=404)


API = Router(connections.ROUTES + volume_api.ROUTES + hosts.ROUTES +
             pgroup_api.ROUTES + pods.ROUTES)
PEER = Router(connections.PEER_ROUTES + replication.PEER_ROUTES +
              pods.PEER_ROUTES + mirror.PEER_ROUTES)
EMULATOR = Router(fixture.ROUTES)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Purity"
    sys_version = ""
    timeout = 60  # idle keep-alive connections are closed after this
    array = None  # set on the subclass made by make_handler()

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle
        # and delayed ACKs add 40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def log_message(self, fmt, *args):
        LOG.debug("%s %s", self.address_string(), fmt % args)

    # -- plumbing ------------------------------------------------------------
    def _read_body(self, limit):
        if self.headers.get("Transfer-Encoding"):
            raise errors.ArrayError("Chunked requests are not supported.",
                                    status=411)
        length = int(self.headers.get("Content-Length") or 0)
        if length > limit:
            raise errors.ArrayError("Request body too large.", status=413)
        return self.rfile.read(length) if length else b""

    def _params(self, body, query):
        params = {}
        if body:
            try:
                decoded = json.loads(body)
            except ValueError:
                raise errors.ArrayError("Request body is not valid JSON.")
            if isinstance(decoded, dict):
                params.update(decoded)
        for key, value in urllib.parse.parse_qsl(query,
                                                 keep_blank_values=True):
            params[key] = value
        return params

    def _send(self, status, content, cookie=None):
        payload = json.dumps(content).encode()
        self.send_response(status, REASONS.get(status, "ERROR"))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if cookie:
            self.send_header("Set-Cookie", "%s=%s; Path=/; Secure; HttpOnly"
                             % (SESSION_COOKIE, cookie))
        self.end_headers()
        self.wfile.write(payload)

    def _session(self):
        cookies = http.cookies.SimpleCookie(self.headers.get("Cookie", ""))
        morsel = cookies.get(SESSION_COOKIE)
        return morsel.value if morsel else None

    def _dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        try:
            if url.path.startswith("/_peer/"):
                self._peer(method, url)
            elif url.path.startswith("/_emulator/"):
                self._emulator(method, url)
            else:
                self._rest(method, url)
        except errors.ArrayError as exc:
            self._send(exc.status, exc.body())
        except Exception:
            LOG.exception("array %s: %s %s failed", self.array.name, method,
                          url.path)
            self._send(500, errors.ArrayError("Internal error.").body())

    # -- REST 1.x ----------------------------------------------------------
    def _rest(self, method, url):
        if url.path == "/api/api_version":
            self._read_body(MAX_JSON_BODY)
            self._send(200, {"version": REST_VERSIONS})
            return
        m = re.match(r"^/api/([^/]+)/(.+)$", url.path)
        if not m:
            raise errors.ArrayError("Unknown path %s." % url.path, url.path,
                                    status=404)
        version, path = m.groups()
        params = self._params(self._read_body(MAX_JSON_BODY), url.query)
        if version not in REST_VERSIONS:
            raise errors.ArrayError(
                "REST API version %s is not supported." % version, version,
                status=450)
        path = path.rstrip("/")
        array = self.array
        if path == "auth/apitoken" and method == "POST":
            self._send(200, self._api_token(params))
            return
        if path == "auth/session" and method == "POST":
            user = array.token_user(params.get("api_token"))
            if user is None:
                raise errors.Unauthorized("Invalid API token.", "api_token")
            self._send(200, {"username": user}, array.start_session(user))
            return
        session = self._session()
        user = array.session_user(session)
        if user is None:
            raise errors.Unauthorized("Session is not valid; log in again.",
                                      "session")
        if path == "auth/session" and method == "DELETE":
            array.end_session(session)
            self._send(200, {"username": user})
            return
        handler, groups, _ = API.match(method, path)
        result = handler(array, params, **groups)
        self._send(200, result, session)

    def _api_token(self, params):
        array = self.array
        if (params.get("username") != array.config.username or
                params.get("password") != array.config.password):
            raise errors.Unauthorized("Invalid username or password.",
                                      "username")
        for token, entry in array.state["api_tokens"].items():
            if entry["username"] == params["username"]:
                return {"api_token": token}
        raise errors.Unauthorized("No API token for user.", "username")

    # -- array to array -------------------------------------------------------
    def _peer(self, method, url):
        if self.headers.get(peer.KEY_HEADER) != self.array.connection_key:
            raise errors.Unauthorized("Invalid connection key.",
                                      "connection_key")
        handler, groups, raw = PEER.match(method, url.path[len("/_peer/"):])
        if raw:
            data = self._read_body(MAX_DATA_BODY)
            params = dict(urllib.parse.parse_qsl(url.query))
            result = handler(self.array, params, data=data, **groups)
        else:
            params = self._params(self._read_body(MAX_JSON_BODY), url.query)
            result = handler(self.array, params, **groups)
        self._send(200, result)

    # -- emulator data path ---------------------------------------------------
    def _emulator(self, method, url):
        user = self.array.session_user(self._session()) or (
            self.array.token_user(self.headers.get("api-token")))
        if user is None:
            raise errors.Unauthorized("Log in or send an api-token header.",
                                      "session")
        handler, groups, _ = EMULATOR.match(method,
                                            url.path[len("/_emulator/"):])
        data = self._read_body(MAX_DATA_BODY)
        params = dict(urllib.parse.parse_qsl(url.query))
        self._send(200, handler(self.array, params, data=data, **groups))


def make_handler(array):
    return type("ArrayHandler", (Handler,), {"array": array})
