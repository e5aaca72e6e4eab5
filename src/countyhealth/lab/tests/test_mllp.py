"""The MLLP listener answers each framed message with the ACK of the same action as the HTTP endpoint."""

import socket

import pytest
from hl7.client import MLLPClient

from countyhealth.lab.mllp import serving_in_thread
from countyhealth.lab.models import LabResult

from .factories import oru


@pytest.mark.django_db(transaction=True)
def test_listener_acknowledges_accepted_and_rejected_messages(county, make_resident):
    patient = make_resident(county.village_a1, name="王建国", sex="1")
    with serving_in_thread(timeout=10) as port:
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
