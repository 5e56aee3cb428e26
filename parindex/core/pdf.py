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


def _italic_of(path: str) -> Path:
    """LiberationSerif-Regular → LiberationSerif-Italic, …-Bold → …-BoldItalic, DejaVuSerif → DejaVuSerif-Italic."""
    font = Path(path)
    for plain, italic in (("-Regular", "-Italic"), ("-Bold", "-BoldItalic")):
        if font.stem.endswith(plain):
            return font.with_name(font.stem.removesuffix(plain) + italic + font.suffix)
    return font.with_name(font.stem + "-Italic" + font.suffix)


def register_fonts() -> tuple[str, str]:
    """Register "VN" and "VN-Bold" from the first font pair on the machine, with "VN-Italic" and
    "VN-BoldItalic" (the upright faces when the italic files are missing) as one family, so
    that <b> and <i> work in reportlab paragraphs."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "VN" in pdfmetrics.getRegisteredFontNames():
        return "VN", "VN-Bold"
    for regular, bold in FONT_PAIRS:
        if Path(regular).exists() and Path(bold).exists():
            pdfmetrics.registerFont(TTFont("VN", regular))
            pdfmetrics.registerFont(TTFont("VN-Bold", bold))
            for name, upright in (("VN-Italic", regular), ("VN-BoldItalic", bold)):
                italic = _italic_of(upright)
                pdfmetrics.registerFont(TTFont(name, str(italic) if italic.exists() else upright))
            pdfmetrics.registerFontFamily(
                "VN", normal="VN", bold="VN-Bold", italic="VN-Italic", boldItalic="VN-BoldItalic"
            )
            return "VN", "VN-Bold"
    raise RuntimeError(ERR_NO_FONT)


def register_italic_fonts() -> tuple[str, str]:
    """ "VN-Italic" and "VN-BoldItalic" (registered with the upright faces)."""
    register_fonts()
    return "VN-Italic", "VN-BoldItalic"
