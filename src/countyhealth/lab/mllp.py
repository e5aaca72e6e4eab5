"""The MLLP side of HL7 ingest: python-hl7's asyncio server frames the blocks; the blocks waiting on a
connection go through the same batch action as `POST /api/lab/hl7` (in a thread: no ORM in async code) and the
ACKs go back on the wire in order.

A sender that waits for each ACK (original mode) gets one message per batch; a sender that pipelines has every
block already received processed together (at most `ingest.BATCH_SIZE`), sharing the database round trips."""

import asyncio
import socket
import threading
from contextlib import contextmanager

import hl7.mllp
from asgiref.sync import sync_to_async

from countyhealth.accounts.system import system_user

from . import ingest

_END = object()  # the sender hung up


def _ingest(raws: list[str]) -> list[str]:
    return [o.ack for o in ingest.do_ingest_hl7_batch(acting_user=system_user("hl7"), raws=raws)]


async def _read_blocks(reader, queue: asyncio.Queue) -> None:
    try:
        while not reader.at_eof():
            block = await reader.readblock()
            await queue.put(block.decode("utf-8", errors="replace"))
    except (asyncio.IncompleteReadError, hl7.mllp.InvalidBlockError, ConnectionError):
        pass  # the sender hung up or sent garbage outside a block: nothing more to read
    finally:
        await queue.put(_END)


async def handle_connection(reader, writer) -> None:
    queue: asyncio.Queue = asyncio.Queue(maxsize=ingest.BATCH_SIZE * 2)
    reading = asyncio.create_task(_read_blocks(reader, queue))
    try:
        finished = False
        while not finished:
            batch = [await queue.get()]
            while len(batch) < ingest.BATCH_SIZE and not queue.empty():
                batch.append(queue.get_nowait())
            if batch[-1] is _END:
                batch.pop()
                finished = True
            if batch:
                for ack in await sync_to_async(_ingest, thread_sensitive=True)(batch):
                    writer.writeblock(ack.encode("utf-8"))
                await writer.drain()
    except ConnectionError:
        pass  # the sender left before reading its ACKs; what was stored stays stored
    finally:
        reading.cancel()
        writer.close()


async def serve(host: str, port: int, started=None) -> None:
    server = await hl7.mllp.start_hl7_server(handle_connection, host=host, port=port)
    if started is not None:
        started(server)
    async with server:
        await server.serve_forever()


@contextmanager
def serving_in_thread(host: str = "127.0.0.1", *, timeout: float = 30):
    """The listener on a free port, in a background thread with its own event loop, for tests and benches
    (`manage.py hl7_listener` runs `serve` in the foreground). Yields the port; closes the server on exit."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port = probe.getsockname()[1]
    ready, loop, servers = threading.Event(), asyncio.new_event_loop(), []

    def started(server):
        servers.append(server)
        ready.set()

    def run():
        try:
            loop.run_until_complete(serve(host, port, started))
        except asyncio.CancelledError:
            pass  # closing the server cancels serve_forever

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    if not ready.wait(timeout):
        raise RuntimeError(f"the MLLP listener did not start within {timeout} s")
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(servers[0].close)
        thread.join(10)
