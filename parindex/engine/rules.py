"""Scoring rules: a rule is data (`{"kind": ..., params}`), compiled once into an object.

`compile_rule(rule, max_points)` validates the parameters and returns a `CompiledRule`:
- `evaluate(raw_inputs) -> Result` checks what a user typed and explains the points in one
  Vietnamese line; bad inputs give `Result.error`, never an exception;
- `score(inputs) -> Decimal` is the fast path for inputs already checked by `normalize`
  (bulk recomputation, what-if, benchmarks): no parsing, no explanation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, DecimalException, InvalidOperation
from typing import Any

from parindex.engine.context import accepts_context, criteria_read
from parindex.engine.errors import EngineError, InputError, RuleError
from parindex.engine.numbers import (
    HUNDRED,
    ZERO,
    NumberOutOfRange,
    fmt,
    fmt_percent,
    fmt_signed,
    round_points,
    to_decimal,
)
from parindex.engine.survey import ELEMENTS

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
ERR_SHARE_RANGE = "Tỷ lệ hài lòng phải từ 0 đến 100 %."
WARN_CAPPED = "Điểm tính được {raw} vượt điểm tối đa {max}: chỉ tính {max} (lỗi số liệu của bộ tiêu chí)."

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
    signed: bool = False

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

    def __init_subclass__(cls, **kwargs) -> None:
        # Every kind's own score() takes the optional context too, without each override saying so.
        super().__init_subclass__(**kwargs)
        if "score" in cls.__dict__:
            cls.score = accepts_context(cls.__dict__["score"])

    def depends_on(self) -> set[str]:
        """Codes of the criteria whose points this rule reads: pass them as `context`."""
        return criteria_read(self.params)

    # --- shared --------------------------------------------------------------------
    # Both take an optional `context` ({criterion code: points}) for the condition kind.
    @accepts_context
    def score(self, inputs: Mapping[str, Any]) -> Decimal:
        raw = self.raw_points(inputs)
        if raw > self.max:
            return self.max
        if raw < ZERO and not self.signed:
            return ZERO
        return raw

    def clamp(self, points: Decimal) -> Decimal:
        """Points within [0, max], or [−max, max] for a signed rule."""
        floor = -self.max if self.signed else ZERO
        return max(floor, min(self.max, points))

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
            return [f"Quy tắc có thể cho {fmt(bound)} điểm, vượt điểm tối đa {fmt(self.max)}."]
        return []


# --- parameter and input helpers ---------------------------------------------------------


def _param_decimal(params: Mapping[str, Any], key: str, default: Decimal | None = None) -> Decimal:
    if key not in params or params[key] is None:
        if default is None:
            raise RuleError(f"Quy tắc thiếu tham số “{key}”.")
        return default
    try:
        return to_decimal(params[key])
    except (InvalidOperation, ValueError) as error:
        raise RuleError(f"Tham số “{key}” phải là số, không phải “{params[key]}”.") from error


def _param_list(params: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = params.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, Mapping) for v in value):
        raise RuleError(f"Quy tắc cần danh sách “{key}” (ít nhất một mục).")
    return value


def _keyed(items: list[Mapping[str, Any]], value_key: str, what: str) -> dict[str, tuple[str, Decimal]]:
    result: dict[str, tuple[str, Decimal]] = {}
    for item in items:
        key = str(item.get("key", "")).strip()
        if not key:
            raise RuleError(f"Mỗi {what} cần có “key”.")
        if key in result:
            raise RuleError(f"{what.capitalize()} “{key}” bị trùng.")
        result[key] = (str(item.get("label", key)), _param_decimal(item, value_key))
    return result


def _number(raw: Mapping[str, Any], key: str, label: str, *, integer: bool = False, signed: bool = False) -> Decimal:
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


def _flag(raw: Mapping[str, Any], key: str) -> bool:
    value = raw.get(key)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "on", "yes", "có", "co"}
    return bool(value)


def _ratio_inputs(raw: Mapping[str, Any], a_label: str, b_label: str) -> dict[str, Decimal]:
    a = _number(raw, "a", a_label)
    b = _number(raw, "b", b_label)
    if a == 0:
        raise InputError(ERR_A_ZERO)
    if b > a:
        raise InputError(ERR_B_GREATER.format(a=fmt(a), b=fmt(b)))
    return {"a": a, "b": b}


@dataclass(frozen=True)
class Band:
    bound: Decimal | None  # None: the "otherwise" band
    points: Decimal
    lower_is_better: bool = False

    def matches(self, value: Decimal) -> bool:
        if self.bound is None:
            return True
        return value <= self.bound if self.lower_is_better else value >= self.bound

    def describe(self, unit: str) -> str:
        if self.bound is None:
            return "mức còn lại"
        sign = "≤" if self.lower_is_better else "≥"
        return f"mức {sign} {fmt(self.bound)}{unit}"


def _bands(params: Mapping[str, Any], *, signed: bool = False) -> tuple[Band, ...]:
    bands = []
    for item in _param_list(params, "bands"):
        if "at_least" in item and "at_most" in item:
            raise RuleError("Một mức chỉ có “at_least” hoặc “at_most”, không có cả hai.")
        lower = "at_most" in item
        bound_key = "at_most" if lower else "at_least"
        bound = _param_decimal(item, bound_key) if bound_key in item else None
        points = _param_decimal(item, "points")
        if points < 0 and not signed:
            raise RuleError("Điểm của một mức không được âm.")
        bands.append(Band(bound, points, lower))
    return tuple(bands)


def _first_band(bands: tuple[Band, ...], value: Decimal) -> Band | None:
    for band in bands:
        if band.matches(value):
            return band
    return None


# --- the kinds ----------------------------------------------------------------------------


class YesNo(CompiledRule):
    kind = "yes_no"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.yes = _param_decimal(params, "yes", max_points)
        self.no = _param_decimal(params, "no", ZERO)

    def fields(self):
        return [InputField("value", "Đạt / có thực hiện", "bool")]

    def normalize(self, raw):
        return {"value": _flag(raw, "value")}

    def raw_points(self, inputs):
        return self.yes if inputs["value"] else self.no

    def explain(self, inputs, raw):
        return f"{'Có' if inputs['value'] else 'Không'} → {fmt(raw)} điểm"

    def upper_bound(self):
        return max(self.yes, self.no)


class Checklist(CompiledRule):
    kind = "checklist"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.items = _keyed(_param_list(params, "items"), "points", "mục")

    def fields(self):
        return [InputField("ticked", "Các nội dung đạt", "multi", tuple((k, v[0]) for k, v in self.items.items()))]

    def normalize(self, raw):
        ticked = raw.get("ticked") or []
        if isinstance(ticked, str):
            ticked = [t for t in ticked.split(",") if t.strip()]
        for key in ticked:
            if key not in self.items:
                raise InputError(ERR_UNKNOWN_CHOICE.format(value=key, label="nội dung đạt"))
        return {"ticked": tuple(k for k in self.items if k in set(ticked))}

    def raw_points(self, inputs):
        return sum((self.items[k][1] for k in inputs["ticked"]), ZERO)

    def explain(self, inputs, raw):
        if not inputs["ticked"]:
            return "Không đạt nội dung nào → 0 điểm"
        parts = " + ".join(f"{self.items[k][0]} ({fmt(self.items[k][1])})" for k in inputs["ticked"])
        return f"{parts} = {fmt(raw)} điểm"

    def upper_bound(self):
        return sum((points for _, points in self.items.values()), ZERO)


class _RatioRule(CompiledRule):
    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.a_label = str(params.get("a_label") or DEFAULT_A_LABEL)
        self.b_label = str(params.get("b_label") or DEFAULT_B_LABEL)

    def fields(self):
        return [InputField("a", self.a_label, "number"), InputField("b", self.b_label, "number")]

    def normalize(self, raw):
        return _ratio_inputs(raw, self.a_label, self.b_label)

    @staticmethod
    def ratio_text(inputs) -> str:
        return f"Tỷ lệ {fmt(inputs['b'])}/{fmt(inputs['a'])} = {fmt_percent(inputs['b'] / inputs['a'] * HUNDRED)}"


class RatioThreshold(_RatioRule):
    kind = "ratio_threshold"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.threshold = _param_decimal(params, "threshold")
        if not ZERO <= self.threshold <= HUNDRED:
            raise RuleError("Ngưỡng phải từ 0 đến 100 %.")
        self._threshold_ratio = self.threshold / HUNDRED

    def score(self, inputs):
        ratio = inputs["b"] / inputs["a"]
        if ratio >= self._threshold_ratio:
            return round_points(ratio * self.max)
        return ZERO

    def raw_points(self, inputs):
        return self.score(inputs)

    def explain(self, inputs, raw):
        percent = inputs["b"] / inputs["a"] * HUNDRED
        head = self.ratio_text(inputs)
        if percent >= self.threshold:
            return f"{head} ≥ {fmt(self.threshold)} % → {fmt_percent(percent)} × {fmt(self.max)} = {fmt(raw)} điểm"
        return f"{head} < {fmt(self.threshold)} % → 0 điểm"


class AllOrNothing(_RatioRule):
    kind = "all_or_nothing"

    def score(self, inputs):
        return self.max if inputs["b"] == inputs["a"] else ZERO

    def raw_points(self, inputs):
        return self.score(inputs)

    def explain(self, inputs, raw):
        if raw:
            return f"{self.ratio_text(inputs)} → {fmt(raw)} điểm"
        return f"{self.ratio_text(inputs)} < 100 % → 0 điểm"


MEASURES = {
    "ratio": ("Tỷ lệ", " %"),
    "number": ("Giá trị", ""),
    "count": ("Số lượng", ""),
    "delay_days": ("Chậm", " ngày"),
    "delay_months": ("Chậm", " tháng"),
}


class Bands(CompiledRule):
    kind = "bands"
    default_measure = "number"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.measure = str(params.get("measure") or self.default_measure)
        if self.measure not in MEASURES:
            raise RuleError(f"Đại lượng “{self.measure}” không hợp lệ; dùng: {', '.join(MEASURES)}.")
        self.bands = _bands(params)
        self.a_label = str(params.get("a_label") or DEFAULT_A_LABEL)
        self.b_label = str(params.get("b_label") or DEFAULT_B_LABEL)
        self.value_label = str(params.get("value_label") or self._default_value_label())

    def _default_value_label(self) -> str:
        return {"delay_days": "Số ngày chậm", "delay_months": "Số tháng chậm", "count": "Số lượng"}.get(
            self.measure, "Giá trị"
        )

    def fields(self):
        if self.measure == "ratio":
            return [InputField("a", self.a_label, "number"), InputField("b", self.b_label, "number")]
        integer = self.measure in {"count", "delay_days", "delay_months"}
        return [InputField("value", self.value_label, "integer" if integer else "number")]

    def normalize(self, raw):
        if self.measure == "ratio":
            inputs = _ratio_inputs(raw, self.a_label, self.b_label)
            inputs["value"] = inputs["b"] / inputs["a"] * HUNDRED
            return inputs
        integer = self.measure in {"count", "delay_days", "delay_months"}
        return {"value": _number(raw, "value", self.value_label, integer=integer)}

    def raw_points(self, inputs):
        band = _first_band(self.bands, inputs["value"])
        return band.points if band else ZERO

    def explain(self, inputs, raw):
        name, unit = MEASURES[self.measure]
        if self.measure == "ratio":
            value_text = _RatioRule.ratio_text(inputs)
        else:
            value_text = f"{name} {fmt(inputs['value'])}{unit}"
        band = _first_band(self.bands, inputs["value"])
        if band is None:
            return f"{value_text}: không đạt mức nào → 0 điểm"
        return f"{value_text} thuộc {band.describe(unit)} → {fmt(raw)} điểm"

    def upper_bound(self):
        return max(band.points for band in self.bands)

    def issues(self):
        problems = super().issues()
        bounded = [b for b in self.bands if b.bound is not None]
        directions = {b.lower_is_better for b in bounded}
        if len(directions) > 1:
            problems.append("Các mức trộn lẫn “at_least” và “at_most”.")
        elif bounded:
            ordered = [b.bound for b in bounded]
            expected = sorted(ordered) if bounded[0].lower_is_better else sorted(ordered, reverse=True)
            if ordered != expected:
                problems.append("Các mức không theo thứ tự: mức sau sẽ không bao giờ được xét.")
            points = [b.points for b in self.bands]
            if points != sorted(points, reverse=True):
                problems.append("Điểm các mức không giảm dần: làm tốt hơn có thể bị ít điểm hơn.")
        return problems


class CountBands(Bands):
    kind = "count_bands"
    default_measure = "count"

    def fields(self):
        return [InputField("value", self.value_label, "integer")]

    def normalize(self, raw):
        source = raw if "value" in raw else {"value": raw.get("count")}
        return {"value": _number(source, "value", self.value_label, integer=True)}


class Stages(CompiledRule):
    kind = "stages"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.stages = _keyed(_param_list(params, "stages"), "points", "giai đoạn")

    def fields(self):
        choices = (("", "Chưa đạt giai đoạn nào"), *((k, v[0]) for k, v in self.stages.items()))
        return [InputField("stage", "Giai đoạn cao nhất đã đạt", "choice", choices)]

    def normalize(self, raw):
        stage = str(raw.get("stage") or "")
        if stage and stage not in self.stages:
            raise InputError(ERR_UNKNOWN_CHOICE.format(value=stage, label="giai đoạn"))
        return {"stage": stage}

    def raw_points(self, inputs):
        return self.stages[inputs["stage"]][1] if inputs["stage"] else ZERO

    def explain(self, inputs, raw):
        if not inputs["stage"]:
            return "Chưa đạt giai đoạn nào → 0 điểm"
        return f"Đạt giai đoạn “{self.stages[inputs['stage']][0]}” → {fmt(raw)} điểm"

    def upper_bound(self):
        return max(points for _, points in self.stages.values())

    def issues(self):
        problems = super().issues()
        points = [p for _, p in self.stages.values()]
        if points != sorted(points):
            problems.append("Điểm các giai đoạn không tăng dần theo thứ tự.")
        return problems


class Grade(CompiledRule):
    kind = "grade"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.grades = _keyed(_param_list(params, "grades"), "percent", "mức xếp loại")

    def fields(self):
        return [InputField("grade", "Kết quả xếp loại", "choice", tuple((k, v[0]) for k, v in self.grades.items()))]

    def normalize(self, raw):
        grade = str(raw.get("grade") or "")
        if grade not in self.grades:
            if not grade:
                raise InputError(ERR_MISSING.format(label="Kết quả xếp loại"))
            raise InputError(ERR_UNKNOWN_CHOICE.format(value=grade, label="Kết quả xếp loại"))
        return {"grade": grade}

    def raw_points(self, inputs):
        return round_points(self.max * self.grades[inputs["grade"]][1] / HUNDRED)

    def explain(self, inputs, raw):
        label, percent = self.grades[inputs["grade"]]
        return f"Xếp loại “{label}” = {fmt(percent)} % × {fmt(self.max)} = {fmt(raw)} điểm"

    def upper_bound(self):
        return round_points(self.max * max(p for _, p in self.grades.values()) / HUNDRED)


class Deduction(CompiledRule):
    kind = "deduction"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.per_violation = _param_decimal(params, "per_violation")
        self.floor = _param_decimal(params, "floor", ZERO)

    def fields(self):
        return [InputField("violations", "Số vi phạm", "integer")]

    def normalize(self, raw):
        return {"violations": _number(raw, "violations", "Số vi phạm", integer=True)}

    def raw_points(self, inputs):
        return max(self.max - self.per_violation * inputs["violations"], self.floor)

    def explain(self, inputs, raw):
        n = inputs["violations"]
        if not n:
            return f"Không có vi phạm → {fmt(raw)} điểm"
        deducted = self.per_violation * n
        return (
            f"{fmt(n)} vi phạm × {fmt(self.per_violation)} = {fmt(deducted)}; "
            f"{fmt(self.max)} − {fmt(deducted)} → {fmt(raw)} điểm"
        )


class BonusPenalty(CompiledRule):
    kind = "bonus_penalty"
    signed = True

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.bonus = _param_decimal(params, "bonus_per_item")
        self.penalty = _param_decimal(params, "penalty_per_item", self.bonus)
        self.cap = _param_decimal(params, "cap", max_points)

    def fields(self):
        return [
            InputField("done", "Số nhiệm vụ hoàn thành vượt / được cộng", "integer"),
            InputField("failed", "Số nhiệm vụ không hoàn thành / bị trừ", "integer"),
        ]

    def normalize(self, raw):
        return {
            "done": _number({"v": raw.get("done", 0)}, "v", "Số nhiệm vụ được cộng", integer=True),
            "failed": _number({"v": raw.get("failed", 0)}, "v", "Số nhiệm vụ bị trừ", integer=True),
        }

    def raw_points(self, inputs):
        value = self.bonus * inputs["done"] - self.penalty * inputs["failed"]
        return max(-self.cap, min(self.cap, value))

    def score(self, inputs):
        return max(-self.max, min(self.max, self.raw_points(inputs)))

    def explain(self, inputs, raw):
        return (
            f"{fmt(inputs['done'])} × {fmt(self.bonus)} − {fmt(inputs['failed'])} × {fmt(self.penalty)}"
            f" (giới hạn ±{fmt(self.cap)}) → {fmt_signed(raw)} điểm"
        )

    def upper_bound(self):
        return self.cap


class Comparison(CompiledRule):
    kind = "comparison"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.bands = _bands(params, signed=True)
        self.signed = any(b.points < 0 for b in self.bands)
        self.unit = str(params.get("unit") or "points")
        if self.unit not in {"points", "percent"}:
            raise RuleError("Đơn vị so sánh phải là “points” hoặc “percent”.")

    def fields(self):
        return [
            InputField("current", "Kết quả năm nay", "number"),
            InputField("previous", "Kết quả năm trước", "number"),
        ]

    def normalize(self, raw):
        return {
            "current": _number(raw, "current", "Kết quả năm nay", signed=True),
            "previous": _number(raw, "previous", "Kết quả năm trước", signed=True),
        }

    def _change(self, inputs) -> Decimal:
        change = inputs["current"] - inputs["previous"]
        if self.unit == "percent":
            if inputs["previous"] == 0:
                raise InputError("Kết quả năm trước bằng 0: không tính được mức thay đổi theo %.")
            change = change / abs(inputs["previous"]) * HUNDRED
        return change

    def raw_points(self, inputs):
        band = _first_band(self.bands, self._change(inputs))
        return band.points if band else ZERO

    def score(self, inputs):
        raw = self.raw_points(inputs)
        return max(-self.max, min(self.max, raw)) if self.signed else super().score(inputs)

    def explain(self, inputs, raw):
        change = self._change(inputs)
        unit = " %" if self.unit == "percent" else ""
        band = _first_band(self.bands, change)
        head = (
            f"Năm nay {fmt(inputs['current'])} so với năm trước {fmt(inputs['previous'])}: "
            f"thay đổi {fmt_signed(change)}{unit}"
        )
        if band is None:
            return f"{head}, không đạt mức nào → 0 điểm"
        return f"{head} thuộc {band.describe(unit)} → {fmt_signed(raw)} điểm"

    def upper_bound(self):
        return max(b.points for b in self.bands)


# Where a survey-scored criterion's share comes from: the SIPAS, one service element or the
# overall question of the citizens' survey, or a survey the department does not run itself
# (seed 004's 10.5 asks the other departments), whose share is typed in by the coordinator.
SURVEY_SOURCES = {
    "sipas": "SIPAS chung",
    **ELEMENTS,
    "overall": "Đánh giá chung",
    "external": "Khảo sát bên ngoài",
}


class Survey(CompiledRule):
    kind = "survey"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.mode = str(params.get("mode") or "share")
        if self.mode not in {"share", "bands"}:
            raise RuleError("Cách tính điểm điều tra phải là “share” hoặc “bands”.")
        self.bands = _bands(params) if self.mode == "bands" else ()
        self.source = str(params.get("source") or "sipas")
        if self.source not in SURVEY_SOURCES:
            choices = ", ".join(f"“{key}”" for key in SURVEY_SOURCES)
            raise RuleError(f"Nguồn điểm điều tra “{self.source}” không có; chọn một trong {choices}.")

    @property
    def source_label(self) -> str:
        return SURVEY_SOURCES[self.source]

    def fields(self):
        return [InputField("share", f"Tỷ lệ hài lòng (%) – {self.source_label}", "percent")]

    def normalize(self, raw):
        share = _number(raw, "share", "Tỷ lệ hài lòng")
        if share > HUNDRED:
            raise InputError(ERR_SHARE_RANGE)
        return {"share": share}

    def raw_points(self, inputs):
        if self.mode == "share":
            return round_points(self.max * inputs["share"] / HUNDRED)
        band = _first_band(self.bands, inputs["share"])
        return band.points if band else ZERO

    def explain(self, inputs, raw):
        share = fmt_percent(inputs["share"])
        what = "Tỷ lệ hài lòng" if self.source == "sipas" else f"Tỷ lệ hài lòng ({self.source_label.lower()})"
        if self.mode == "share":
            return f"{what} {share} × {fmt(self.max)} = {fmt(raw)} điểm"
        band = _first_band(self.bands, inputs["share"])
        where = band.describe(" %") if band else "không mức nào"
        return f"{what} {share} thuộc {where} → {fmt(raw)} điểm"

    def upper_bound(self):
        return self.max if self.mode == "share" else max(b.points for b in self.bands)


class Judgement(CompiledRule):
    kind = "judgement"

    def fields(self):
        return [InputField("points", f"Điểm chấm (0 – {fmt(self.max)})", "number")]

    def normalize(self, raw):
        points = _number(raw, "points", "Điểm chấm")
        if points > self.max:
            raise InputError(ERR_JUDGEMENT_RANGE.format(max=fmt(self.max)))
        return {"points": points}

    def raw_points(self, inputs):
        return inputs["points"]

    def explain(self, inputs, raw):
        return f"Chấm theo đánh giá: {fmt(raw)}/{fmt(self.max)} điểm"


class Composite(CompiledRule):
    kind = "composite"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.parts: dict[str, tuple[str, CompiledRule]] = {}
        for part in _param_list(params, "parts"):
            key = str(part.get("key", "")).strip()
            if not key or key in self.parts:
                raise RuleError("Mỗi phần của quy tắc gộp cần một “key” riêng.")
            part_max = _param_decimal(part, "max")
            self.parts[key] = (str(part.get("label", key)), compile_rule(part.get("rule") or {}, part_max))

    def fields(self):
        return [InputField(k, label, "group", fields=tuple(rule.fields())) for k, (label, rule) in self.parts.items()]

    def normalize(self, raw):
        normalized = {}
        for key, (label, rule) in self.parts.items():
            part = raw.get(key)
            try:
                normalized[key] = rule.normalize(part if isinstance(part, Mapping) else {})
            except InputError as error:
                raise InputError(f"{label}: {error.message}") from error
        return normalized

    def raw_points(self, inputs):
        return sum((rule.score(inputs[key]) for key, (_, rule) in self.parts.items()), ZERO)

    def explain(self, inputs, raw):
        parts = " + ".join(f"{label} {fmt(rule.score(inputs[key]))}" for key, (label, rule) in self.parts.items())
        return f"{parts} = {fmt(raw)} điểm"

    def upper_bound(self):
        return sum((rule.max for _, rule in self.parts.values()), ZERO)


class _Wrapper(CompiledRule):
    """A rule with a special case (`flag`) that replaces the inner rule's result."""

    flag = ""

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.inner = compile_rule(params.get("rule") or {"kind": "judgement"}, max_points)
        self.signed = self.inner.signed

    def fields(self):
        return [InputField(self.flag, self.flag_label, "bool"), *self.inner.fields()]

    def normalize(self, raw):
        if _flag(raw, self.flag):
            return {self.flag: True}
        return {self.flag: False, "inner": self.inner.normalize(raw)}

    def raw_points(self, inputs):
        return self.special_points() if inputs[self.flag] else self.inner.raw_points(inputs["inner"])

    def score(self, inputs):
        # A substitute above max is a data error of the set: evaluate warns "capped", so cap it here too.
        return self.clamp(self.special_points()) if inputs[self.flag] else self.inner.score(inputs["inner"])

    def explain(self, inputs, raw):
        return self.special_text() if inputs[self.flag] else self.inner.explain(inputs["inner"], raw)

    def upper_bound(self):
        return max(self.inner.upper_bound(), self.special_points())

    def issues(self):
        return self.inner.issues() + (
            [f"Điểm thay thế {fmt(self.special_points())} vượt điểm tối đa {fmt(self.max)}."]
            if self.special_points() > self.max
            else []
        )


class NotApplicable(_Wrapper):
    kind = "not_applicable"
    flag = "not_applicable"
    flag_label = "Không áp dụng (không phát sinh)"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        substitute = params.get("substitute")
        self.substitute = None if substitute is None else _param_decimal(params, "substitute")

    def special_points(self):
        return self.substitute if self.substitute is not None else ZERO

    def special_text(self):
        if self.substitute is None:
            return "Không áp dụng → không tính vào tổng; chỉ số tính lại trên điểm tối đa còn lại"
        return f"Không áp dụng → {fmt(self.substitute)} điểm (điểm thay thế)"

    def is_excluded(self, inputs):
        return bool(inputs[self.flag]) and self.substitute is None


class NothingFound(_Wrapper):
    kind = "nothing_found"
    flag = "nothing_found"
    flag_label = "Không phát hiện vấn đề cần xử lý"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.points = _param_decimal(params, "points")

    def special_points(self):
        return self.points

    def special_text(self):
        return f"Không phát hiện vấn đề cần xử lý → {fmt(self.points)} điểm"


KINDS: dict[str, type[CompiledRule]] = {
    cls.kind: cls
    for cls in (
        YesNo,
        Checklist,
        RatioThreshold,
        AllOrNothing,
        Bands,
        CountBands,
        Stages,
        Grade,
        Deduction,
        BonusPenalty,
        Comparison,
        Survey,
        Judgement,
        Composite,
        NotApplicable,
        NothingFound,
    )
}

KIND_LABELS = {
    "yes_no": "Có / không",
    "checklist": "Danh mục nội dung",
    "ratio_threshold": "Tỷ lệ có ngưỡng",
    "all_or_nothing": "Đạt 100 % mới có điểm",
    "bands": "Theo mức",
    "count_bands": "Theo số lượng",
    "stages": "Theo giai đoạn",
    "grade": "Theo xếp loại",
    "deduction": "Trừ điểm theo vi phạm",
    "bonus_penalty": "Điểm thưởng / trừ",
    "comparison": "So sánh với năm trước",
    "survey": "Điều tra xã hội học",
    "judgement": "Thẩm định viên chấm",
    "composite": "Gộp nhiều phần",
    "not_applicable": "Có trường hợp không áp dụng",
    "nothing_found": "Có trường hợp không phát hiện",
}


def compile_rule(rule: Mapping[str, Any] | None, max_points: Decimal | int | str) -> CompiledRule:
    """Validate a rule's parameters once and return the object that scores it."""
    try:
        maximum = to_decimal(max_points)
    except (InvalidOperation, ValueError) as error:
        raise RuleError(f"Điểm tối đa “{max_points}” không phải là số.") from error
    if maximum < 0:
        raise RuleError("Điểm tối đa không được âm.")
    rule = rule or {"kind": "judgement"}
    kind = rule.get("kind") if isinstance(rule, Mapping) else None
    if kind not in KINDS:
        raise RuleError(f"Loại quy tắc “{kind}” không tồn tại; dùng một trong: {', '.join(KINDS)}.")
    return KINDS[kind](rule, maximum)


def evaluate(
    rule: Mapping[str, Any] | None,
    inputs: Mapping[str, Any],
    max_points: Decimal | int | str,
    context: Mapping[str, Any] | None = None,
) -> Result:
    """Compile and evaluate in one call; a bad rule is reported like a bad input."""
    try:
        compiled = compile_rule(rule, max_points)
    except RuleError as error:
        return Result(points=None, explanation="", error=error.message)
    return compiled.evaluate(inputs, context=context)


# Kinds with modules of their own add themselves to KINDS; imported last as they build on this module.
from parindex.engine import conditions, formula  # noqa: E402, F401
