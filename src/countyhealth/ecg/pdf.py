"""The printable report: header, measurements, signed conclusion, and the 12-lead tracing on ECG paper (reportlab)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .presentation import DISPLAY_RATE, display_leads

FONT = "STSong-Light"  # Adobe's CID font for Simplified Chinese, built into reportlab (no font file needed)
LAYOUT = (("I", "aVR", "V1", "V4"), ("II", "aVL", "V2", "V5"), ("III", "aVF", "V3", "V6"))


def report_pdf(ecg) -> io.BytesIO:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    page_w, page_h = landscape(A4)
    c = canvas.Canvas(buffer, pagesize=(page_w, page_h))
    c.setTitle(f"ECG {ecg.pk}")
    c.setFont(FONT, 14)
    c.drawString(15 * mm, page_h - 14 * mm, _("Remote ECG report") + f" · {ecg.resident.name}")
    c.setFont(FONT, 9)
    a = ecg.analysis
    c.drawString(15 * mm, page_h - 20 * mm, f"{ecg.organisation.name} · {timezone.localtime(ecg.uploaded_at):%Y-%m-%d %H:%M}"
                 f" · HR {a.get('heart_rate')} /min · PR {a.get('pr_ms')} · QRS {a.get('qrs_ms')} · QT/QTc "
                 f"{a.get('qt_ms')}/{a.get('qtc_bazett_ms')} ms · 25 mm/s · 10 mm/mV")
    report = ecg.reports.order_by("-version").select_related("signed_by").first()
    if report is not None:
        text = "；".join(report.phrase_labels() + ([report.conclusion] if report.conclusion else []))
        c.drawString(15 * mm, page_h - 26 * mm, _("Conclusion") + f": {text}"[:150])
        c.drawString(15 * mm, page_h - 31 * mm, _("Signed by %(name)s at %(at)s, version %(v)s") % {
            "name": report.signed_by.display_name, "at": f"{timezone.localtime(report.signed_at):%Y-%m-%d %H:%M}",
            "v": report.version})
    _tracing(c, display_leads(ecg), x0=10 * mm, top=page_h - 36 * mm)
    c.showPage()
    c.save()
    buffer.seek(0)
    return buffer


def _tracing(c, leads, *, x0, top):
    width, rows = 260 * mm, 4
    height = rows * 30 * mm
    bottom = top - height
    for i in range(int(width / mm) + 1):
        c.setStrokeColorRGB(0.9, 0.55, 0.55) if i % 5 == 0 else c.setStrokeColorRGB(0.98, 0.82, 0.82)
        c.setLineWidth(0.4 if i % 5 == 0 else 0.15)
        c.line(x0 + i * mm, bottom, x0 + i * mm, top)
    for i in range(int(height / mm) + 1):
        c.setStrokeColorRGB(0.9, 0.55, 0.55) if i % 5 == 0 else c.setStrokeColorRGB(0.98, 0.82, 0.82)
        c.setLineWidth(0.4 if i % 5 == 0 else 0.15)
        c.line(x0, bottom + i * mm, x0 + width, bottom + i * mm)
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.5)
    quarter = int(2.5 * DISPLAY_RATE)
    strips = [(r, col, lead) for r, row in enumerate(LAYOUT) for col, lead in enumerate(row)]
    for r, col, lead in strips:
        _line(c, leads[lead][col * quarter:(col + 1) * quarter], x0 + (5 + col * 62.5) * mm, top - (r * 30 + 18) * mm)
        c.setFont(FONT, 7)
        c.drawString(x0 + (6 + col * 62.5) * mm, top - (r * 30 + 8) * mm, lead)
    _line(c, leads["II"][:10 * DISPLAY_RATE], x0 + 5 * mm, top - (3 * 30 + 18) * mm)
    c.drawString(x0 + 6 * mm, top - (3 * 30 + 8) * mm, "II")


def _line(c, values, x, y):
    path = c.beginPath()
    for i, v in enumerate(values):
        px, py = x + i / DISPLAY_RATE * 25 * mm, y + float(v) * 10 * mm
        path.moveTo(px, py) if i == 0 else path.lineTo(px, py)
    c.drawPath(path, stroke=1, fill=0)
