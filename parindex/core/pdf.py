"""PDF helpers: a Times-metric font with Vietnamese diacritics for reportlab."""

from __future__ import annotations

from pathlib import Path

FONT_PAIRS = [
    (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    ),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"),
]
ERR_NO_FONT = "Thiếu phông chữ có dấu tiếng Việt cho PDF: apt-get install fonts-liberation2"


def register_fonts() -> tuple[str, str]:
    """Register "VN" and "VN-Bold" from the first font pair on the machine."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "VN" in pdfmetrics.getRegisteredFontNames():
        return "VN", "VN-Bold"
    for regular, bold in FONT_PAIRS:
        if Path(regular).exists() and Path(bold).exists():
            pdfmetrics.registerFont(TTFont("VN", regular))
            pdfmetrics.registerFont(TTFont("VN-Bold", bold))
            return "VN", "VN-Bold"
    raise RuntimeError(ERR_NO_FONT)
