"""Exact decimals and their Vietnamese spelling (decimal comma)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# No count, number of days, share or point in an index comes near these limits; a number beyond them is a
# typing accident or an attack, and would make decimal arithmetic overflow or print a million digits.
MAX_MAGNITUDE = Decimal("1e15")
MAX_PLACES = 20
MAX_TEXT_LENGTH = 64


class NumberOutOfRange(InvalidOperation):
    """NaN, infinity, or a number too large or too finely written to be a real figure.

    A subclass of InvalidOperation, so every caller that already refuses "abc" refuses these too;
    callers that want to say why can catch it first and show `message`.
    """

    message = "Số quá lớn hoặc không hợp lệ."


def to_decimal(value: object) -> Decimal:
    """Decimal from int, str ("0,25" or "0.25") or Decimal; never from float arithmetic.

    Raises InvalidOperation for what is not a number and NumberOutOfRange (a subclass) for NaN, infinity,
    |value| ≥ 10^15 and, for typed values, more than 20 decimal places ("1e-999999").
    A Decimal is the result of exact arithmetic and keeps its places (1/3 has 28).
    """
    if isinstance(value, Decimal):
        return _in_range(value)
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, int):
        return _in_range(Decimal(value), typed=True)
    if isinstance(value, float):
        return _in_range(Decimal(repr(value)), typed=True)
    text = str(value).strip().replace(" ", "").replace(",", ".")
    if len(text) > MAX_TEXT_LENGTH:
        raise NumberOutOfRange
    return _in_range(Decimal(text), typed=True)


def _in_range(value: Decimal, *, typed: bool = False) -> Decimal:
    if not value.is_finite():
        raise NumberOutOfRange
    if value.adjusted() >= MAX_MAGNITUDE.adjusted():
        raise NumberOutOfRange
    if typed and value.as_tuple().exponent < -MAX_PLACES:
        raise NumberOutOfRange
    return value


def round_points(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def apply_rounding(points: Decimal, decimals: int | None) -> Decimal:
    """Points rounded half away from zero to `decimals` places (1,275 → 1,28 at 2; −1,275 → −1,28),
    or unchanged when the set declares no rounding (None): rules give exact points, and only a
    set's own declaration may round them."""
    if decimals is None:
        return points
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= MAX_PLACES:
        raise ValueError(f"decimals must be an integer from 0 to {MAX_PLACES}, not {decimals!r}")
    return points.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


# A quotient such as 1/3 × 1 has 28 places; the screen shows at most this many, rounded.
# Every point value a set can write, or a ratio of counts times such a value, ends well before.
SHOWN_PLACES = 6


def fmt(value: Decimal, places: int | None = None) -> str:
    """The Vietnamese spelling: 1.275 → "1,275", 2.50 → "2,5", 2.00 → "2", −0.5 → "−0,5";
    with places=2: 85 → "85,00". Without places the value is shown as it is, without trailing
    zeros, up to SHOWN_PLACES places."""
    if places is not None:
        text = f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    else:
        if value.as_tuple().exponent < -SHOWN_PLACES:
            value = value.quantize(Decimal(1).scaleb(-SHOWN_PLACES), rounding=ROUND_HALF_UP)
        text = f"{value:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    if text in {"-0", "0"}:
        return "0"
    if text.startswith("-"):
        return "−" + text[1:].replace(".", ",")
    return text.replace(".", ",")


def fmt_signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + fmt(value)


def fmt_percent(value: Decimal) -> str:
    return f"{fmt(value, 2)} %"
