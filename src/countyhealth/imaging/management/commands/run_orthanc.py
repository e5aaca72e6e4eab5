"""Run a local Orthanc for the demo: config and storage in $COUNTYHEALTH_DATA_DIR/orthanc, the port and
credentials from ORTHANC_URL / ORTHANC_USERNAME / ORTHANC_PASSWORD (bin/demo sets them). Replaces itself with
the Orthanc process, so stopping this pid stops Orthanc."""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from countyhealth.imaging import pacs_server


class Command(BaseCommand):
    help = "Start a loopback-only Orthanc for the demo (Debian's orthanc package)."

    def handle(self, *args, **options):
        binary = pacs_server.executable()
        if binary is None:
            raise CommandError("Orthanc is not installed (apt-get install orthanc orthanc-dicomweb orthanc-webviewer)")
        if not pacs_server.has_dicomweb():
            raise CommandError("Orthanc's DICOMweb plugin is not installed (apt-get install orthanc-dicomweb)")
        url = urlsplit(settings.ORTHANC_URL)
        if url.hostname not in {"127.0.0.1", "localhost"}:
            raise CommandError(f"ORTHANC_URL {settings.ORTHANC_URL} is not on loopback: not starting a local one")
        if not settings.ORTHANC_USERNAME or not settings.ORTHANC_PASSWORD:
            raise CommandError("set ORTHANC_USERNAME and ORTHANC_PASSWORD")
        path = pacs_server.write_config(settings.DATA_DIR / "orthanc", port=url.port or 8042,
                                        username=settings.ORTHANC_USERNAME, password=settings.ORTHANC_PASSWORD,
                                        dicomweb_root=settings.ORTHANC_DICOMWEB_ROOT)
        os.execv(binary, [binary, "--logdir=" + str(path.parent), str(path)])
