"""The printable lab report (检验报告单) as PDF: header, patient, the results table with flags and reference
intervals (reportlab's platypus; STSong-Light is Adobe's Simplified Chinese CID font built into reportlab)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .rules import FLAG_LABELS

FONT = "STSong-Light"


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def report_pdf(report, results) -> io.BytesIO:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=f"{_('Lab report')} {report.report_number or report.pk}")
    title = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=20, alignment=1)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=14)
    resident = report.resident
    doctor = report.ordering_doctor
    facts = [
        [_("Patient"), resident.name, _("Report number"), report.report_number or str(report.pk)],
        [_("Ordering institution"), report.ordering_org.name + (f" · {doctor.full_name or doctor.username}" if doctor else ""),
         _("Quality control"), report.get_qc_status_display()],
        [_("Specimen collected"), _when(report.specimen_at), _("Reported"), _when(report.reported_at)],
    ]
    rows = [[_("Test"), _("Result"), _("Unit"), _("Flag"), _("Reference interval")]]
    critical_rows = []
    for n, r in enumerate(results, start=1):
        rows.append([f"{r.test.name_zh} {r.test.loinc}", r.display_value, r.unit,
                     str(FLAG_LABELS.get(r.flag, r.flag)) if r.flag != "N" else "", r.reference])
        if r.is_critical:
            critical_rows.append(n)
    grid = Table(rows, colWidths=[62 * mm, 25 * mm, 25 * mm, 28 * mm, 40 * mm], repeatRows=1)
    style = [("FONT", (0, 0), (-1, -1), FONT, 9.5), ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
             ("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.black), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    style += [("TEXTCOLOR", (0, n), (-1, n), colors.HexColor("#b00020")) for n in critical_rows]
    grid.setStyle(TableStyle(style))
    header = Table(facts, colWidths=[30 * mm, 60 * mm, 30 * mm, 60 * mm])
    header.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9.5),
                                ("TEXTCOLOR", (0, 0), (0, -1), colors.grey), ("TEXTCOLOR", (2, 0), (2, -1), colors.grey)]))
    story = [Paragraph(f"{report.performing_org.name} · {_('Lab report')}", title), Spacer(1, 4 * mm), header,
             Spacer(1, 5 * mm), grid, Spacer(1, 6 * mm),
             Paragraph(_("Printed %(at)s. Results marked in red are critical values.") % {"at": _when(timezone.now())},
                       body)]
    doc.build(story)
    buffer.seek(0)
    return buffer
