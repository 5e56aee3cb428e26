"""Exact decimals and their Vietnamese spelling (decimal comma)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def to_decimal(value: object) -> Decimal:
    """Decimal from int, str ("0,25" or "0.25") or Decimal; never from float arithmetic."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace(" ", "").replace(",", ".")
    result = Decimal(text)
    if not result.is_finite():
        raise InvalidOperation
    return result


def round_points(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal, places: int | None = None) -> str:
    """2.50 → "2,5"; with places=2: 85 → "85,00"."""
    if places is not None:
        text = f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    else:
        text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    if text.startswith("-"):
        return "−" + text[1:].replace(".", ",")
    return text.replace(".", ",")


def fmt_signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + fmt(value)


def fmt_percent(value: Decimal) -> str:
    return f"{fmt(value, 2)} %"
