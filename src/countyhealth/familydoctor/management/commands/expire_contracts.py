"""Mark contracts past their end date as expired now (the scheduler also runs this every night)."""

from django.core.management.base import BaseCommand

from countyhealth.accounts.system import system_user
from countyhealth.familydoctor.actions import do_expire_contracts


class Command(BaseCommand):
    help = "Mark family-doctor contracts past their end date as expired."

    def handle(self, *args, **options):
        count = do_expire_contracts(acting_user=system_user("contract-expiry"))
        self.stdout.write(f"{count} contracts expired")
