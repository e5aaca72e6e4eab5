import asyncio

from django.core.management.base import BaseCommand

from countyhealth.lab.mllp import serve


class Command(BaseCommand):
    help = "Receive HL7 v2 ORU^R01 lab results over MLLP and answer each with an ACK (acts as system:hl7)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2575)

    def handle(self, *args, host, port, **options):
        def started(server):
            self.stdout.write(f"MLLP listener on {host}:{port}")

        try:
            asyncio.run(serve(host, port, started))
        except KeyboardInterrupt:
            pass
