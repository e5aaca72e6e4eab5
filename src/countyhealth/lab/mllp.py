"""The MLLP side of HL7 ingest: python-hl7's asyncio server frames the blocks, each block goes through the
same action as `POST /api/lab/hl7` (in a thread: no ORM in async code) and the ACK goes back on the wire."""

import asyncio

import hl7.mllp
from asgiref.sync import sync_to_async

from countyhealth.accounts.system import system_user

from . import actions


def _ingest(raw: str) -> str:
    return actions.do_ingest_hl7(acting_user=system_user("hl7"), raw=raw).ack


async def handle_connection(reader, writer) -> None:
    try:
        while not reader.at_eof():
            block = await reader.readblock()
            ack = await sync_to_async(_ingest, thread_sensitive=True)(block.decode("utf-8", errors="replace"))
            writer.writeblock(ack.encode("utf-8"))
            await writer.drain()
    except (asyncio.IncompleteReadError, hl7.mllp.InvalidBlockError, ConnectionError):
        pass  # the sender hung up or sent garbage outside a block: nothing more to answer
    finally:
        writer.close()


async def serve(host: str, port: int, started=None) -> None:
    server = await hl7.mllp.start_hl7_server(handle_connection, host=host, port=port)
    if started is not None:
        started(server)
    async with server:
        await server.serve_forever()
