"""Rules that can only take points away: graduated by how late (or how many times), or fixed.

Both give 0 at best and need no positive maximum (a criterion made only of them has max 0).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from parindex.engine.errors import RuleError
from parindex.engine.numbers import ZERO, fmt
from parindex.engine.rule_base import (
    CompiledRule,
    InputField,
    flag_input,
    number_input,
    param_bool,
    param_decimal,
    param_list,
    param_optional,
)

# measure → (how the value reads, unit, the ordinal that names the first unit past the steps, form label)
LATE_MEASURES = {
    "delay_days": ("Chậm {value} ngày", " ngày", "ngày thứ", "Số ngày chậm"),
    "delay_months": ("Chậm {value} tháng", " tháng", "tháng thứ", "Số tháng chậm"),
    "count": ("{value} lần", " lần", "lần thứ", "Số lần"),
}
ERR_POSITIVE = "“{key}” của quy tắc trừ điểm phải là số âm hoặc 0 (ví dụ “-1”), không phải {value}."


def _not_positive(value: Decimal | None, key: str) -> Decimal | None:
    if value is not None and value > 0:
        raise RuleError(ERR_POSITIVE.format(key=key, value=fmt(value)))
    return value


class LatePenalty(CompiledRule):
    """ "Chậm đến 2 ngày: −1; từ ngày thứ 3 mỗi ngày −1", with or without a cap ("tối đa trừ 5").

    Steps are read in order of their `at_most`; past the last step, each started unit costs
    `then_per_unit` (2,3 months past a step of 2 months: 1 unit), and without `then_per_unit` the
    last step's points apply. Not late at all (0) costs nothing."""

    kind = "late_penalty"
    label = "Trừ điểm theo mức chậm"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.measure = str(params.get("measure") or "delay_days")
        if self.measure not in LATE_MEASURES:
            raise RuleError(f"Đại lượng “{self.measure}” không hợp lệ; dùng: {', '.join(LATE_MEASURES)}.")
        self.steps: list[tuple[Decimal, Decimal]] = []
        for item in param_list(params, "steps"):
            bound = param_decimal(item, "at_most")
            if bound <= 0 or (self.steps and bound <= self.steps[-1][0]):
                raise RuleError("Các bậc trừ điểm cần “at_most” lớn hơn 0 và tăng dần theo thứ tự.")
            self.steps.append((bound, _not_positive(param_decimal(item, "points"), "points")))
        self.per_unit = _not_positive(param_optional(params, "then_per_unit"), "then_per_unit")
        self.cap = _not_positive(param_optional(params, "cap"), "cap")
        self.integer = self.measure != "delay_months" or param_bool(params, "integer")
        self.value_label = str(params.get("value_label") or LATE_MEASURES[self.measure][3])

    def fields(self):
        return [InputField("value", self.value_label, "integer" if self.integer else "number")]

    def normalize(self, raw):
        return {"value": number_input(raw, "value", self.value_label, integer=self.integer)}

    def _units_past(self, value: Decimal) -> Decimal:
        return (value - self.steps[-1][0]).to_integral_value(rounding=ROUND_CEILING)

    def raw_points(self, inputs):
        value = inputs["value"]
        if value == 0:
            return ZERO
        for bound, points in self.steps:
            if value <= bound:
                return points
        last = self.steps[-1][1]
        return last if self.per_unit is None else last + self.per_unit * self._units_past(value)

    def floor(self):
        return self.cap

    def explain(self, inputs, raw):
        value = inputs["value"]
        reads, unit, ordinal, _ = LATE_MEASURES[self.measure]
        if value == 0:
            return "Không chậm → 0 điểm" if self.measure != "count" else "Không có lần nào → 0 điểm"
        head = reads.format(value=fmt(value))
        step = next(((b, p) for b, p in self.steps if value <= b), None)
        last_bound, last_points = self.steps[-1]
        if step is not None:
            text = f"{head}: {fmt(step[1])} (đến {fmt(step[0])}{unit})"
        elif self.per_unit is None:
            text = f"{head}: {fmt(last_points)} (trên {fmt(last_bound)}{unit}, như bậc cuối)"
        else:
            past = (
                f"từ {ordinal} {fmt(last_bound + 1)}"
                if last_bound == last_bound.to_integral_value()
                else f"sau {fmt(last_bound)}{unit}"
            )
            per_unit = f"{fmt(self.per_unit)} × {fmt(self._units_past(value))} ({past})"
            text = f"{head}: {fmt(last_points)} (đến {fmt(last_bound)}{unit}) {per_unit}"
        if self.cap is not None and raw < self.cap:
            return f"{text} = {fmt(raw)}, trừ tối đa {fmt(-self.cap)} → {fmt(self.cap)} điểm"
        return f"{text} = {fmt(raw)} điểm"

    def upper_bound(self):
        return ZERO

    def lower_bound(self):
        if self.per_unit:
            return None
        return min(points for _, points in self.steps)


class FixedPenalty(CompiledRule):
    """ "Để xảy ra sai phạm: trừ 0,5 điểm": a fixed number of points lost when the fault happened."""

    kind = "fixed_penalty"
    label = "Trừ điểm cố định"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.points = _not_positive(param_decimal(params, "points"), "points")
        self.fault = str(params.get("label") or "Có xảy ra vi phạm")

    def fields(self):
        return [InputField("value", self.fault, "bool")]

    def normalize(self, raw):
        return {"value": flag_input(raw, "value")}

    def raw_points(self, inputs):
        return self.points if inputs["value"] else ZERO

    def explain(self, inputs, raw):
        return f"{self.fault}: {'có' if inputs['value'] else 'không'} → {fmt(raw)} điểm"

    def upper_bound(self):
        return ZERO

    def lower_bound(self):
        return self.points
