from django.core.management.base import BaseCommand

from countyhealth.insurance.reference import load_simulator


class Command(BaseCommand):
    help = "Hand the insurance simulator our designated institutions and insured residents (the seed call)."

    def handle(self, *args, **options):
        loaded = load_simulator()
        self.stdout.write(f"insurance simulator: {loaded['institutions']} institutions, "
                          f"{loaded['persons']} insured persons loaded")
