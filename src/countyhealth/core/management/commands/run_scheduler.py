import time

from django.core.management.base import BaseCommand

from countyhealth.core import scheduler


class Command(BaseCommand):
    help = "Enqueue the due runs of the registered periodic jobs (loops; --once for a single pass)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between passes")

    def handle(self, once=False, interval=30.0, **options):
        while True:
            for name in scheduler.enqueue_due():
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(interval)
