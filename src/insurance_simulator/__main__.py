"""python -m insurance_simulator --port 8765 --db var/insurance-simulator.sqlite3"""

import argparse
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .app import Simulator


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
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
