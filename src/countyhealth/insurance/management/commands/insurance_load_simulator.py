from django.core.management.base import BaseCommand

from countyhealth.insurance.actions import send_pending
from countyhealth.insurance.reference import load_simulator


class Command(BaseCommand):
    help = ("Hand the insurance simulator our designated institutions, insured residents and past settlements (the "
            "seed call), then register the 两病 qualifications it has not heard of (2503).")

    def handle(self, *args, **options):
        loaded = load_simulator(history=True)
        sent = send_pending(limit=100_000)
        self.stdout.write(f"insurance simulator: {loaded['institutions']} institutions, "
                          f"{loaded['persons']} insured persons, {loaded['settlements']} past settlements loaded; "
                          f"{sent} 两病 qualifications registered")
