"""python -m insurance_simulator --port 8765 --db var/insurance-simulator.sqlite3"""

import argparse
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer, make_server

from .app import Simulator


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class KeepAliveServerHandler(ServerHandler):
    http_version = "1.1"


class QuietHandler(WSGIRequestHandler):
    """HTTP/1.1 with persistent connections: the platform's client sends a visit's five transactions over one
    connection (wsgiref's own handler answers one request and closes, a TCP set-up and a thread per call)."""

    protocol_version = "HTTP/1.1"
    # wsgiref writes the headers and the body separately: on a kept-alive connection Nagle's algorithm would hold
    # the body until the client's delayed ACK (~40 ms a call).
    disable_nagle_algorithm = True

    def handle(self):
        self.close_connection = True
        while True:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline or len(self.raw_requestline) > 65536 or not self.parse_request():
                return
            handler = KeepAliveServerHandler(self.rfile, self.wfile, self.get_stderr(), self.get_environ(),
                                             multithread=True)
            handler.request_handler = self
            handler.run(self.server.get_app())
            if self.close_connection:
                return

    def log_message(self, *args):  # one line per request would drown the demo's console
        pass


def main(argv=None):
    parser = argparse.ArgumentParser(description="Medical-insurance platform simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--db", required=True, help="SQLite file of the simulator's own data")
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, Simulator(args.db), server_class=ThreadingWSGIServer,
                         handler_class=QuietHandler)
    print(f"insurance simulator on http://{args.host}:{server.server_port}/", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
