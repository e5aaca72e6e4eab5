"""XML parsing shared by the HL7 aECG and GE MUSE readers: no DTDs (no entity expansion), clear errors."""

import xml.etree.ElementTree as ET

from django.utils.translation import gettext_lazy as _

from . import DecodeError


def parse(data: bytes) -> ET.Element:
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        raise DecodeError(_("XML files with a DOCTYPE or entities are not accepted."), code="ecg_xml_dtd")
    try:
        return ET.fromstring(data)
    except ET.ParseError as error:
        raise DecodeError(_("The XML file is truncated or malformed: %(error)s") % {"error": error},
                          code="ecg_truncated") from error
