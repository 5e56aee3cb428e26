"""What every rule kind shares: the result, the form fields, the base class and the parameter and input readers.

The kinds live in `rules.py` (and `penalties.py`); callers import everything from `parindex.engine.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, DecimalException, InvalidOperation
from functools import cached_property
from typing import Any

from parindex.engine.context import accepts_context, criteria_read
from parindex.engine.errors import EngineError, InputError, RuleError
from parindex.engine.numbers import ZERO, NumberOutOfRange, fmt, to_decimal

ERR_MISSING = "Thiếu số liệu “{label}”."
ERR_NOT_NUMBER = "“{label}” phải là một số (ví dụ 17 hoặc 0,5)."
ERR_OUT_OF_RANGE = "Số quá lớn hoặc không hợp lệ ở “{label}”."
ERR_ARITHMETIC = "Số quá lớn hoặc không hợp lệ: không tính được điểm với số liệu này."
ERR_NOT_INTEGER = "“{label}” phải là số nguyên."
ERR_NEGATIVE = "“{label}” không được âm."
ERR_B_GREATER = "Số đã thực hiện (b = {b}) không được lớn hơn tổng số (a = {a})."
ERR_A_ZERO = "Tổng số (a) bằng 0: không tính được tỷ lệ."
ERR_UNKNOWN_CHOICE = "“{value}” không phải là lựa chọn hợp lệ của “{label}”."
ERR_JUDGEMENT_RANGE = "Điểm chấm phải từ 0 đến {max}."
ERR_NO_CATEGORY = "Chọn loại trước khi chấm điểm ({names})."
ERR_CATEGORY_RANGE = "Điểm chấm loại “{label}” phải từ 0 đến {max}."
ERR_SHARE_RANGE = "Tỷ lệ hài lòng phải từ 0 đến 100 %."
WARN_CAPPED = "Điểm tính được {raw} vượt điểm tối đa {max}: chỉ tính {max} (lỗi số liệu của bộ tiêu chí)."
ISSUE_EXCEEDS = "Quy tắc có thể cho {bound} điểm, vượt điểm tối đa {max}."
ISSUE_UNREACHABLE = "Quy tắc cho nhiều nhất {bound} điểm: không bao giờ đạt điểm tối đa {max}."

# What the form shows for a (a) and b (b) when a rule does not name them.
DEFAULT_A_LABEL = "Tổng số (a)"
DEFAULT_B_LABEL = "Số đã hoàn thành (b)"


@dataclass(frozen=True, slots=True)
class Result:
    points: Decimal | None
    explanation: str
    warnings: tuple[str, ...] = ()
    excluded: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class InputField:
    key: str
    label: str
    type: str  # number | integer | bool | choice | multi | percent | group
    choices: tuple[tuple[str, str], ...] = ()
    fields: tuple[InputField, ...] = ()  # for composite parts


class CompiledRule:
    kind: str = ""
    label: str = ""  # the kind's Vietnamese name, as the criterion panel shows it

    def __init__(self, params: Mapping[str, Any], max_points: Decimal) -> None:
        self.max = max_points
        self.params = params

    # --- to implement per kind -------------------------------------------------------
    def fields(self) -> list[InputField]:
        raise NotImplementedError

    def normalize(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def raw_points(self, inputs: Mapping[str, Any]) -> Decimal:
        raise NotImplementedError

    def explain(self, inputs: Mapping[str, Any], raw: Decimal) -> str:
        raise NotImplementedError

    def upper_bound(self) -> Decimal:
        """The most points the rule's parameters can give before the cap at max."""
        return self.max

    def lower_bound(self) -> Decimal | None:
        """The fewest points the rule's parameters can give before `floor`; None: no lower limit."""
        return ZERO

    def floor(self) -> Decimal | None:
        """The fewest points `score` lets through: 0 for an unsigned rule; a signed kind says
        its own (None: as low as its parameters go)."""
        return None if self.signed else ZERO

    def __init_subclass__(cls, **kwargs) -> None:
        # Every kind's own score() takes the optional context too, without each override saying so.
        super().__init_subclass__(**kwargs)
        if "score" in cls.__dict__:
            cls.score = accepts_context(cls.__dict__["score"])

    # --- engine facts callers ask instead of reading rule JSON ---------------------------
    @cached_property
    def signed(self) -> bool:
        """Whether the rule can give fewer than 0 points ("Trừ từ 30 % trở lên: −3", a penalty,
        a wrapper or composite holding one): then `score` is not floored at 0."""
        low = self.lower_bound()
        return low is None or low < 0

    @property
    def kind_label(self) -> str:
        return self.label

    @property
    def survey_source(self) -> str | None:
        """The survey figure the rule is scored from (a key of SURVEY_SOURCES), None if none."""
        return None

    def depends_on(self) -> set[str]:
        """Codes of the criteria whose points this rule reads: pass them as `context`."""
        return criteria_read(self.params)

    def minimum(self) -> Decimal | None:
        """The fewest points the rule can give; None when it has no lower limit (an uncapped penalty)."""
        low = self.lower_bound()
        if low is None:
            return self.floor()
        return self.bounded(low)

    # --- shared --------------------------------------------------------------------
    def bounded(self, points: Decimal) -> Decimal:
        """Points within [floor, max]."""
        floor = self.floor()
        if floor is not None and points < floor:
            return floor
        return min(points, self.max)

    # Both take an optional `context` ({criterion code: points}) for the condition kind.
    @accepts_context
    def score(self, inputs: Mapping[str, Any]) -> Decimal:
        return self.bounded(self.raw_points(inputs))

    @accepts_context
    def evaluate(self, raw_inputs: Mapping[str, Any]) -> Result:
        try:
            inputs = self.normalize(raw_inputs or {})
            raw = self.raw_points(inputs)
            points = self.score(inputs)
            explanation = self.explain(inputs, raw)
            warnings = ()
            if raw > self.max:
                warnings = (WARN_CAPPED.format(raw=fmt(raw), max=fmt(self.max)),)
                explanation = f"{explanation} → tối đa {fmt(self.max)} điểm"
            excluded = self.is_excluded(inputs)
        except EngineError as error:
            return Result(points=None, explanation="", error=error.message)
        except DecimalException:
            # Inputs are bounded by to_decimal; this is the last guard so a typed number can never be a 500.
            return Result(points=None, explanation="", error=ERR_ARITHMETIC)
        return Result(points=points, explanation=explanation, warnings=warnings, excluded=excluded)

    def is_excluded(self, inputs: Mapping[str, Any]) -> bool:
        return False

    def issues(self) -> list[str]:
        """Problems of the definition itself, for the set's validation report."""
        bound = self.upper_bound()
        if bound > self.max:
            return [ISSUE_EXCEEDS.format(bound=fmt(bound), max=fmt(self.max))]
        unreachable = self.unreachable_issue()
        return [unreachable] if unreachable else []

    def unreachable_issue(self) -> str | None:
        """The warning that the rule never reaches its maximum; None when it can."""
        bound = self.upper_bound()
        return ISSUE_UNREACHABLE.format(bound=fmt(bound), max=fmt(self.max)) if bound < self.max else None


# --- parameter and input readers -----------------------------------------------------------


def param_decimal(params: Mapping[str, Any], key: str, default: Decimal | None = None) -> Decimal:
    if key not in params or params[key] is None:
        if default is None:
            raise RuleError(f"Quy tắc thiếu tham số “{key}”.")
        return default
    try:
        return to_decimal(params[key])
    except (InvalidOperation, ValueError) as error:
        raise RuleError(f"Tham số “{key}” phải là số, không phải “{params[key]}”.") from error


def param_optional(params: Mapping[str, Any], key: str) -> Decimal | None:
    return None if params.get(key) is None else param_decimal(params, key)


def param_list(params: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = params.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, Mapping) for v in value):
        raise RuleError(f"Quy tắc cần danh sách “{key}” (ít nhất một mục).")
    return value


def param_bool(params: Mapping[str, Any], key: str) -> bool:
    value = params.get(key, False)
    if not isinstance(value, bool):
        raise RuleError(f"Tham số “{key}” phải là true hoặc false, không phải “{value}”.")
    return value


def keyed(items: list[Mapping[str, Any]], value_key: str, what: str) -> dict[str, tuple[str, Decimal]]:
    result: dict[str, tuple[str, Decimal]] = {}
    for item in items:
        key = str(item.get("key", "")).strip()
        if not key:
            raise RuleError(f"Mỗi {what} cần có “key”.")
        if key in result:
            raise RuleError(f"{what.capitalize()} “{key}” bị trùng.")
        result[key] = (str(item.get("label", key)), param_decimal(item, value_key))
    return result


def number_input(
    raw: Mapping[str, Any], key: str, label: str, *, integer: bool = False, signed: bool = False
) -> Decimal:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError(ERR_MISSING.format(label=label))
    try:
        number = to_decimal(value)
    except NumberOutOfRange as error:
        raise InputError(ERR_OUT_OF_RANGE.format(label=label)) from error
    except (InvalidOperation, ValueError) as error:
        raise InputError(ERR_NOT_NUMBER.format(label=label)) from error
    if integer and number != number.to_integral_value():
        raise InputError(ERR_NOT_INTEGER.format(label=label))
    if not signed and number < 0:
        raise InputError(ERR_NEGATIVE.format(label=label))
    return number


def flag_input(raw: Mapping[str, Any], key: str) -> bool:
    value = raw.get(key)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "on", "yes", "có", "co"}
    return bool(value)


def ratio_inputs(raw: Mapping[str, Any], a_label: str, b_label: str) -> dict[str, Decimal]:
    a = number_input(raw, "a", a_label)
    b = number_input(raw, "b", b_label)
    if a == 0:
        raise InputError(ERR_A_ZERO)
    if b > a:
        raise InputError(ERR_B_GREATER.format(a=fmt(a), b=fmt(b)))
    return {"a": a, "b": b}
