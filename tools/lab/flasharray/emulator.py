"""FlashArray emulator (a test fixture): entry point.

    python -m tools.lab.flasharray.emulator --name site-a-array \\
        --volumes-dir /srv/lab/site-a/volumes --port 8443

serves the Pure Storage REST 1.x API over HTTPS on loopback; the volumes are
the files in ``--volumes-dir``.  When it listens it prints one JSON line
(url, array name, API token, certificate) and writes the same to
``<state-dir>/emulator.json``.
"""

import argparse
import ipaddress
import json
import logging
import os
import signal
import socket
import ssl
import sys
import threading

from tools.lab.flasharray import array as array_mod
from tools.lab.flasharray import mirror
from tools.lab.flasharray import replication
from tools.lab.flasharray import schedule
from tools.lab.flasharray import server
from tools.lab.flasharray import tls

LOG = logging.getLogger("flasharray-emulator")


class HTTPSServer(server.http.server.ThreadingHTTPServer):
    """One thread per connection, at most ``max_handlers`` at a time."""

    daemon_threads = True
    request_queue_size = 64
    max_handlers = 64

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._slots = threading.BoundedSemaphore(self.max_handlers)

    def process_request(self, request, client_address):
        self._slots.acquire()
        try:
            super().process_request(request, client_address)
        except Exception:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class Heartbeat(object):
    """Marks connected arrays online or offline.

    When one comes back, the pod mirror decides what to resync.
    """

    def __init__(self, array, stop):
        self.array = array
        self.stop = stop
        self.thread = threading.Thread(target=self._run, daemon=True,
                                       name="heartbeat-%s" % array.name)

    def start(self):
        self.thread.start()

    def _run(self):
        while True:
            self.beat()
            if self.stop.wait(self.array.config.heartbeat_interval):
                return

    def beat(self):
        array = self.array
        with array.lock:
            names = list(array.state["connections"])
        for name in names:
            try:
                array.peer(name, timeout=2).call("GET", "/_peer/ping")
                online = True
            except Exception:
                online = False
            was = array.links.get(name)
            array.links[name] = online
            if online and was is not True:
                LOG.info("array %s: %s is online", array.name, name)
                array.mirror.on_peer_online(name)
            elif not online and was is not False:
                LOG.info("array %s: %s is offline", array.name, name)


class Emulator(object):

    def __init__(self, config):
        _check_loopback(config.host)
        self.config = config
        self.stop_event = threading.Event()
        self.array = None
        self.httpd = None
        self._serve_thread = None

    def start(self):
        config = self.config
        sock = socket.socket(socket.AF_INET6 if ":" in config.host
                             else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((config.host, config.port))
        config.port = sock.getsockname()[1]
        self.array = array = array_mod.Array(config)
        self.cert, key = tls.make_certificate(config.state_dir, array.name,
                                              config.host)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.httpd = HTTPSServer((config.host, config.port),
                                 server.make_handler(array),
                                 bind_and_activate=False)
        self.httpd.socket.close()
        sock.listen(self.httpd.request_queue_size)
        self.httpd.socket = context.wrap_socket(
            sock, server_side=True, do_handshake_on_connect=False)
        array.replicator = replication.Replicator(array, self.stop_event)
        array.mirror = mirror.Mirror(array, self.stop_event)
        array.mirror.start()
        array.replicator.start()
        schedule.Scheduler(array, self.stop_event).start()
        Heartbeat(array, self.stop_event).start()
        self._serve_thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.2},
            daemon=True, name="http-%s" % array.name)
        self._serve_thread.start()
        LOG.info("array %s (%s) serving %s on https://%s", array.name,
                 array.id, config.volumes_dir, array.address)
        return self.info()

    def info(self):
        return {"name": self.array.name, "id": self.array.id,
                "url": "https://%s" % self.array.address,
                "address": self.array.address,
                "api_token": self.array.api_token,
                "cert": self.cert, "pid": os.getpid(),
                "volumes_dir": self.config.volumes_dir,
                "state_dir": self.config.state_dir}

    def stop(self):
        self.stop_event.set()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
        if self.array is not None:
            self.array.save()


def _check_loopback(host):
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise SystemExit("the emulator listens on loopback only, not %s" % host)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="python -m tools.lab.flasharray.emulator",
        description="FlashArray emulator (a test fixture): REST 1.x over "
                    "HTTPS, volumes are files.")
    p.add_argument("--name", default="flasharray",
                   help="array name (default: %(default)s)")
    p.add_argument("--volumes-dir", required=True,
                   help="directory whose files are the array's volumes")
    p.add_argument("--state-dir",
                   help="where state.json and the certificate live "
                        "(default: <volumes-dir>/.flasharray)")
    p.add_argument("--host", default="127.0.0.1",
                   help="loopback address to listen on")
    p.add_argument("--port", type=int, default=8443,
                   help="port, 0 for any free one (default: %(default)s)")
    p.add_argument("--api-token",
                   help="API token to accept (default: one generated and "
                        "kept in the state)")
    p.add_argument("--username", default="pureuser")
    p.add_argument("--password", default="pureuser")
    p.add_argument("--replication-bandwidth", type=int, default=0,
                   help="bytes per second per transfer, 0 for no limit")
    p.add_argument("--chunk-size", type=int, default=1 << 20)
    p.add_argument("--mirror-interval", type=float, default=0.5,
                   help="seconds between polls of stretched pod volumes")
    p.add_argument("--heartbeat-interval", type=float, default=1.0)
    p.add_argument("--scheduler-interval", type=float, default=1.0)
    p.add_argument("--destroyed-retention", type=int, default=86400,
                   help="seconds before destroyed objects are eradicated")
    p.add_argument("--info-file",
                   help="also write the start-up JSON here")
    p.add_argument("--log-level", default="INFO")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=args.log_level.upper(), stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    volumes_dir = os.path.abspath(args.volumes_dir)
    os.makedirs(volumes_dir, exist_ok=True)
    config = array_mod.Config(
        name=args.name, volumes_dir=volumes_dir,
        state_dir=os.path.abspath(args.state_dir or os.path.join(
            volumes_dir, ".flasharray")),
        host=args.host, port=args.port, api_token=args.api_token,
        username=args.username, password=args.password,
        chunk_size=args.chunk_size,
        replication_bandwidth=args.replication_bandwidth,
        mirror_interval=args.mirror_interval,
        heartbeat_interval=args.heartbeat_interval,
        scheduler_interval=args.scheduler_interval,
        destroyed_retention=args.destroyed_retention)
    emulator = Emulator(config)
    info = emulator.start()
    line = json.dumps(info, sort_keys=True)
    for path in filter(None, [os.path.join(config.state_dir,
                                           "emulator.json"),
                              args.info_file]):
        tmp = path + ".tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(line + "\n")
        os.replace(tmp, path)
    print(line, flush=True)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    LOG.info("array %s stopping", config.name)
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
