"""Configuration of a local Orthanc (bin/demo, the tests): loopback HTTP only, authentication on, the DICOM
port off (uploads arrive over DICOMweb STOW-RS), the DICOMweb plugin (Debian's orthanc-dicomweb) and the web
viewer plugin (orthanc-webviewer) loaded, its own storage. Debian's Orthanc 1.10 cannot choose its bind address:
`RemoteAccessAllowed: false` refuses every non-loopback client, and production firewalls the port."""

import json
import shutil
from pathlib import Path

ORTHANC = "/usr/sbin/Orthanc"
PLUGIN_DIR = Path("/usr/share/orthanc/plugins")
DICOMWEB_PLUGIN = PLUGIN_DIR / "libOrthancDicomWeb.so"
PLUGINS = ("libOrthancWebViewer.so", DICOMWEB_PLUGIN.name)


def executable() -> str | None:
    return shutil.which("Orthanc") or (ORTHANC if Path(ORTHANC).exists() else None)


def has_dicomweb() -> bool:
    """The platform stores and queries over DICOMweb: without the plugin a local Orthanc is of no use."""
    return DICOMWEB_PLUGIN.exists()


def config(*, storage: Path, port: int, username: str, password: str, dicomweb_root: str = "/dicom-web/") -> dict:
    return {
        "Name": "countyhealth",
        "StorageDirectory": str(storage),
        "IndexDirectory": str(storage),
        "HttpPort": port,
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": True,
        "RegisteredUsers": {username: password},
        "DicomServerEnabled": False,
        "HttpCompressionEnabled": False,
        "StorageCompression": False,
        "OrthancExplorerEnabled": False,
        "WebDavEnabled": False,
        "Plugins": [str(PLUGIN_DIR / name) for name in PLUGINS if (PLUGIN_DIR / name).exists()],
        "DicomWeb": {"Enable": True, "Root": dicomweb_root},
        "WebViewer": {"CachePath": str(storage / "webviewer-cache"), "CacheSize": 100, "Threads": 2},
    }


def write_config(directory: Path, **kwargs) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    storage = directory / "storage"
    storage.mkdir(exist_ok=True)
    path = directory / "orthanc.json"
    path.write_text(json.dumps(config(storage=storage, **kwargs), indent=2))
    path.chmod(0o600)  # holds the password
    return path
