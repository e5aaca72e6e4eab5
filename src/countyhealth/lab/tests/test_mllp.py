"""The MLLP listener answers each framed message with the ACK of the same action as the HTTP endpoint."""

import asyncio
import socket
import threading

import pytest
from hl7.client import MLLPClient

from countyhealth.lab.mllp import serve
from countyhealth.lab.models import LabResult

from .factories import oru


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_listener_acknowledges_accepted_and_rejected_messages(county, make_resident):
    patient = make_resident(county.village_a1, name="王建国", sex="1")
    port = _free_port()
    ready = threading.Event()
    loop = asyncio.new_event_loop()
    servers = []

    def started(server):
        servers.append(server)
        ready.set()

    def run():
        try:
            loop.run_until_complete(serve("127.0.0.1", port, started))
        except asyncio.CancelledError:
            pass  # closing the server cancels serve_forever

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        with MLLPClient("127.0.0.1", port) as client:
            good = client.send_message(oru(patient, sender=county.hospital.code, control_id="MLLP1")).decode()
            bad = client.send_message("this is not HL7").decode()
        assert "MSA|AA|MLLP1" in good
        assert "MSA|AR|" in bad
        assert LabResult.objects.filter(resident=patient).count() == 1
        # A pipelining sender writes every message before reading: each is answered, in order.
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            ids = ["P1", "P2", "P3", "P4"]
            sent = [oru(patient, sender=county.hospital.code, control_id=i) for i in ids]
            sent[2] = sent[2].replace("2823-3", "9999-9")
            sock.sendall(b"".join(b"\x0b" + m.encode() + b"\x1c\r" for m in sent))
            received = b""
            while received.count(b"\x1c\r") < len(sent):
                received += sock.recv(65536)
        text = received.decode().replace("\x0b", "").replace("\x1c", "")
        answers = [line.split("|")[1:3] for line in text.split("\r") if line.startswith("MSA|")]
        assert answers == [["AA", "P1"], ["AA", "P2"], ["AE", "P3"], ["AA", "P4"]]
        assert LabResult.objects.filter(resident=patient).count() == 4
    finally:
        loop.call_soon_threadsafe(servers[0].close)
        thread.join(10)
