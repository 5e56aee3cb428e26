"""Scoring rules: a rule is data (`{"kind": ..., params}`), compiled once into an object.

`compile_rule(rule, max_points)` validates the parameters and returns a `CompiledRule`:
- `evaluate(raw_inputs) -> Result` checks what a user typed and explains the points in one
  Vietnamese line; bad inputs give `Result.error`, never an exception;
- `score(inputs) -> Decimal` is the fast path for inputs already checked by `normalize`
  (bulk recomputation, what-if, benchmarks): no parsing, no explanation.

Points are exact decimals (17/20 × 1,5 = 1,275): a set that declares a rounding applies it
with `numbers.apply_rounding`, never the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from parindex.engine.band_coverage import NON_NEGATIVE, PERCENT, WHOLE_LINE, Domain, band_issues
from parindex.engine.bands import band_range, first_band, parse_bands
from parindex.engine.errors import InputError, RuleError
from parindex.engine.numbers import HUNDRED, ZERO, fmt, fmt_percent, fmt_signed, to_decimal
from parindex.engine.penalties import FixedPenalty, LatePenalty
from parindex.engine.rule_base import (
    DEFAULT_A_LABEL,
    DEFAULT_B_LABEL,
    ERR_CATEGORY_RANGE,
    ERR_JUDGEMENT_RANGE,
    ERR_MISSING,
    ERR_NO_CATEGORY,
    ERR_SHARE_RANGE,
    ERR_UNKNOWN_CHOICE,
    CompiledRule,
    InputField,
    Result,
    flag_input,
    keyed,
    number_input,
    param_bool,
    param_decimal,
    param_list,
    ratio_inputs,
)
from parindex.engine.survey import ELEMENTS

__all__ = ["KINDS", "KIND_LABELS", "CompiledRule", "InputField", "Result", "compile_rule", "evaluate"]


# --- the kinds ----------------------------------------------------------------------------


class YesNo(CompiledRule):
    kind = "yes_no"
    label = "Có / không"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.yes = param_decimal(params, "yes", max_points)
        self.no = param_decimal(params, "no", ZERO)

    def fields(self):
        return [InputField("value", "Đạt / có thực hiện", "bool")]

    def normalize(self, raw):
        return {"value": flag_input(raw, "value")}

    def raw_points(self, inputs):
        return self.yes if inputs["value"] else self.no

    def explain(self, inputs, raw):
        return f"{'Có' if inputs['value'] else 'Không'} → {fmt(raw)} điểm"

    def upper_bound(self):
        return max(self.yes, self.no)

    def lower_bound(self):
        return min(self.yes, self.no)


class Checklist(CompiledRule):
    kind = "checklist"
    label = "Danh mục nội dung"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.items = keyed(param_list(params, "items"), "points", "mục")

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
        return sum((points for _, points in self.items.values() if points > 0), ZERO)

    def lower_bound(self):
        return sum((points for _, points in self.items.values() if points < 0), ZERO)


class _RatioRule(CompiledRule):
    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.a_label = str(params.get("a_label") or DEFAULT_A_LABEL)
        self.b_label = str(params.get("b_label") or DEFAULT_B_LABEL)

    def fields(self):
        return [InputField("a", self.a_label, "number"), InputField("b", self.b_label, "number")]

    def normalize(self, raw):
        return ratio_inputs(raw, self.a_label, self.b_label)

    @staticmethod
    def ratio_text(inputs) -> str:
        return f"Tỷ lệ {fmt(inputs['b'])}/{fmt(inputs['a'])} = {fmt_percent(inputs['b'] * HUNDRED / inputs['a'])}"


class RatioThreshold(_RatioRule):
    kind = "ratio_threshold"
    label = "Tỷ lệ có ngưỡng"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.threshold = param_decimal(params, "threshold")
        if not ZERO <= self.threshold <= HUNDRED:
            raise RuleError("Ngưỡng phải từ 0 đến 100 %.")

    def reaches(self, inputs) -> bool:
        # b/a ≥ t/100 compared without dividing, so a ratio exactly at the threshold is never lost to a quotient.
        return inputs["b"] * HUNDRED >= self.threshold * inputs["a"]

    def raw_points(self, inputs):
        # b × max / a rather than (b / a) × max: 1/3 × 3 is 1, not 0,999…
        return inputs["b"] * self.max / inputs["a"] if self.reaches(inputs) else ZERO

    def explain(self, inputs, raw):
        head = self.ratio_text(inputs)
        if self.reaches(inputs):
            percent = fmt_percent(inputs["b"] * HUNDRED / inputs["a"])
            return f"{head} ≥ {fmt(self.threshold)} % → {percent} × {fmt(self.max)} = {fmt(raw)} điểm"
        return f"{head} < {fmt(self.threshold)} % → 0 điểm"


class AllOrNothing(_RatioRule):
    kind = "all_or_nothing"
    label = "Đạt 100 % mới có điểm"

    def raw_points(self, inputs):
        return self.max if inputs["b"] == inputs["a"] else ZERO

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
# Counted in whole units whatever the rule says; the others take 2,7 unless the rule says `integer: true`.
WHOLE_MEASURES = {"count", "delay_days"}


class Bands(CompiledRule):
    kind = "bands"
    label = "Theo mức"
    default_measure = "number"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.measure = str(params.get("measure") or self.default_measure)
        if self.measure not in MEASURES:
            raise RuleError(f"Đại lượng “{self.measure}” không hợp lệ; dùng: {', '.join(MEASURES)}.")
        self.bands = parse_bands(params)
        self.integer = self.measure in WHOLE_MEASURES or param_bool(params, "integer")
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
        return [InputField("value", self.value_label, "integer" if self.integer else "number")]

    def normalize(self, raw):
        if self.measure == "ratio":
            inputs = ratio_inputs(raw, self.a_label, self.b_label)
            inputs["value"] = inputs["b"] * HUNDRED / inputs["a"]
            return inputs
        return {"value": number_input(raw, "value", self.value_label, integer=self.integer)}

    def raw_points(self, inputs):
        band = first_band(self.bands, inputs["value"])
        return band.points if band else ZERO

    def explain(self, inputs, raw):
        name, unit = MEASURES[self.measure]
        if self.measure == "ratio":
            value_text = _RatioRule.ratio_text(inputs)
        else:
            value_text = f"{name} {fmt(inputs['value'])}{unit}"
        band = first_band(self.bands, inputs["value"])
        if band is None:
            return f"{value_text}: không đạt mức nào → 0 điểm"
        return f"{value_text} thuộc {band.describe(unit)} → {fmt(raw)} điểm"

    def upper_bound(self):
        return band_range(self.bands)[1]

    def lower_bound(self):
        return band_range(self.bands)[0]

    def issues(self):
        domain = Domain(
            PERCENT if self.measure == "ratio" else NON_NEGATIVE,
            MEASURES[self.measure][1],
            integer=self.integer,
            noun=self.value_label[:1].lower() + self.value_label[1:],
        )
        return super().issues() + band_issues(self.bands, domain)


class CountBands(Bands):
    kind = "count_bands"
    label = "Theo số lượng"
    default_measure = "count"

    def fields(self):
        return [InputField("value", self.value_label, "integer")]

    def normalize(self, raw):
        source = raw if "value" in raw else {"value": raw.get("count")}
        return {"value": number_input(source, "value", self.value_label, integer=True)}


class Stages(CompiledRule):
    kind = "stages"
    label = "Theo giai đoạn"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.stages = keyed(param_list(params, "stages"), "points", "giai đoạn")

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
        points = fmt_signed(raw) if self.signed else fmt(raw)
        return f"Đạt giai đoạn “{self.stages[inputs['stage']][0]}” → {points} điểm"

    def upper_bound(self):
        return max(ZERO, *(points for _, points in self.stages.values()))

    def lower_bound(self):
        return min(ZERO, *(points for _, points in self.stages.values()))

    def issues(self):
        problems = super().issues()
        points = [p for _, p in self.stages.values()]
        if points != sorted(points):
            problems.append("Điểm các giai đoạn không tăng dần theo thứ tự.")
        return problems


class Grade(CompiledRule):
    kind = "grade"
    label = "Theo xếp loại"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.grades = keyed(param_list(params, "grades"), "percent", "mức xếp loại")

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
        return self.max * self.grades[inputs["grade"]][1] / HUNDRED

    def explain(self, inputs, raw):
        label, percent = self.grades[inputs["grade"]]
        return f"Xếp loại “{label}” = {fmt(percent)} % × {fmt(self.max)} = {fmt(raw)} điểm"

    def upper_bound(self):
        return self.max * max(p for _, p in self.grades.values()) / HUNDRED

    def lower_bound(self):
        return self.max * min(p for _, p in self.grades.values()) / HUNDRED


class Deduction(CompiledRule):
    kind = "deduction"
    label = "Trừ điểm theo vi phạm"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.per_violation = param_decimal(params, "per_violation")
        self.lowest = param_decimal(params, "floor", ZERO)

    def fields(self):
        return [InputField("violations", "Số vi phạm", "integer")]

    def normalize(self, raw):
        return {"violations": number_input(raw, "violations", "Số vi phạm", integer=True)}

    def raw_points(self, inputs):
        return max(self.max - self.per_violation * inputs["violations"], self.lowest)

    def explain(self, inputs, raw):
        n = inputs["violations"]
        if not n:
            return f"Không có vi phạm → {fmt(raw)} điểm"
        deducted = self.per_violation * n
        return (
            f"{fmt(n)} vi phạm × {fmt(self.per_violation)} = {fmt(deducted)}; "
            f"{fmt(self.max)} − {fmt(deducted)} → {fmt(raw)} điểm"
        )

    def upper_bound(self):
        return max(self.max, self.lowest)

    def lower_bound(self):
        return self.lowest if self.per_violation > 0 else self.upper_bound()


class BonusPenalty(CompiledRule):
    kind = "bonus_penalty"
    label = "Điểm thưởng / trừ"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.bonus = param_decimal(params, "bonus_per_item")
        self.penalty = param_decimal(params, "penalty_per_item", self.bonus)
        self.cap = param_decimal(params, "cap", max_points)

    def fields(self):
        return [
            InputField("done", "Số nhiệm vụ hoàn thành vượt / được cộng", "integer"),
            InputField("failed", "Số nhiệm vụ không hoàn thành / bị trừ", "integer"),
        ]

    def normalize(self, raw):
        return {
            "done": number_input({"v": raw.get("done", 0)}, "v", "Số nhiệm vụ được cộng", integer=True),
            "failed": number_input({"v": raw.get("failed", 0)}, "v", "Số nhiệm vụ bị trừ", integer=True),
        }

    def raw_points(self, inputs):
        value = self.bonus * inputs["done"] - self.penalty * inputs["failed"]
        return max(-self.cap, min(self.cap, value))

    def floor(self):
        return -self.max

    def explain(self, inputs, raw):
        return (
            f"{fmt(inputs['done'])} × {fmt(self.bonus)} − {fmt(inputs['failed'])} × {fmt(self.penalty)}"
            f" (giới hạn ±{fmt(self.cap)}) → {fmt_signed(raw)} điểm"
        )

    def upper_bound(self):
        return self.cap if self.bonus > 0 or self.penalty < 0 else ZERO

    def lower_bound(self):
        return -self.cap if self.penalty > 0 or self.bonus < 0 else ZERO


class Comparison(CompiledRule):
    kind = "comparison"
    label = "So sánh với năm trước"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.bands = parse_bands(params, signed=True)
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
            "current": number_input(raw, "current", "Kết quả năm nay", signed=True),
            "previous": number_input(raw, "previous", "Kết quả năm trước", signed=True),
        }

    def _change(self, inputs) -> Decimal:
        change = inputs["current"] - inputs["previous"]
        if self.unit == "percent":
            if inputs["previous"] == 0:
                raise InputError("Kết quả năm trước bằng 0: không tính được mức thay đổi theo %.")
            change = change * HUNDRED / abs(inputs["previous"])
        return change

    def raw_points(self, inputs):
        band = first_band(self.bands, self._change(inputs))
        return band.points if band else ZERO

    def floor(self):
        return -self.max if self.signed else ZERO

    def explain(self, inputs, raw):
        change = self._change(inputs)
        unit = " %" if self.unit == "percent" else ""
        band = first_band(self.bands, change)
        head = (
            f"Năm nay {fmt(inputs['current'])} so với năm trước {fmt(inputs['previous'])}: "
            f"thay đổi {fmt_signed(change)}{unit}"
        )
        if band is None:
            return f"{head}, không đạt mức nào → 0 điểm"
        return f"{head} thuộc {band.describe(unit)} → {fmt_signed(raw)} điểm"

    def upper_bound(self):
        return band_range(self.bands)[1]

    def lower_bound(self):
        return band_range(self.bands)[0]

    def issues(self):
        # "Tăng: +1; giảm: −1; còn lại: 0" is no scale from the best down: no order check.
        domain = Domain(WHOLE_LINE, " %" if self.unit == "percent" else "")
        return super().issues() + band_issues(self.bands, domain, best_first=False)


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
    label = "Điều tra xã hội học"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.mode = str(params.get("mode") or "share")
        if self.mode not in {"share", "bands"}:
            raise RuleError("Cách tính điểm điều tra phải là “share” hoặc “bands”.")
        self.bands = parse_bands(params) if self.mode == "bands" else ()
        self.source = str(params.get("source") or "sipas")
        if self.source not in SURVEY_SOURCES:
            choices = ", ".join(f"“{key}”" for key in SURVEY_SOURCES)
            raise RuleError(f"Nguồn điểm điều tra “{self.source}” không có; chọn một trong {choices}.")

    @property
    def survey_source(self):
        return self.source

    @property
    def source_label(self) -> str:
        return SURVEY_SOURCES[self.source]

    def fields(self):
        return [InputField("share", f"Tỷ lệ hài lòng (%) – {self.source_label}", "percent")]

    def normalize(self, raw):
        share = number_input(raw, "share", "Tỷ lệ hài lòng")
        if share > HUNDRED:
            raise InputError(ERR_SHARE_RANGE)
        return {"share": share}

    def raw_points(self, inputs):
        if self.mode == "share":
            return self.max * inputs["share"] / HUNDRED
        band = first_band(self.bands, inputs["share"])
        return band.points if band else ZERO

    def explain(self, inputs, raw):
        share = fmt_percent(inputs["share"])
        what = "Tỷ lệ hài lòng" if self.source == "sipas" else f"Tỷ lệ hài lòng ({self.source_label.lower()})"
        if self.mode == "share":
            return f"{what} {share} × {fmt(self.max)} = {fmt(raw)} điểm"
        band = first_band(self.bands, inputs["share"])
        where = band.describe(" %") if band else "không mức nào"
        return f"{what} {share} thuộc {where} → {fmt(raw)} điểm"

    def upper_bound(self):
        return self.max if self.mode == "share" else band_range(self.bands)[1]

    def lower_bound(self):
        return ZERO if self.mode == "share" else band_range(self.bands)[0]

    def issues(self):
        return super().issues() + (band_issues(self.bands, Domain(PERCENT, " %")) if self.bands else [])


class Judgement(CompiledRule):
    """The appraiser's points, 0…max; with `categories` ("cải tiến: tối đa 3; tiên phong: tối
    đa 6") the appraiser picks one and scores within its own maximum."""

    kind = "judgement"
    label = "Thẩm định viên chấm"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.categories = keyed(param_list(params, "categories"), "max", "loại") if "categories" in params else {}
        if any(cap < 0 for _, cap in self.categories.values()):
            raise RuleError("Điểm tối đa của một loại không được âm.")

    def fields(self):
        points = InputField("points", f"Điểm chấm (0 – {fmt(self.max)})", "number")
        if not self.categories:
            return [points]
        choices = tuple((key, f"{label} (tối đa {fmt(cap)})") for key, (label, cap) in self.categories.items())
        return [InputField("category", "Loại", "choice", choices), InputField("points", "Điểm chấm", "number")]

    def normalize(self, raw):
        points = number_input(raw, "points", "Điểm chấm")
        if not self.categories:
            if points > self.max:
                raise InputError(ERR_JUDGEMENT_RANGE.format(max=fmt(self.max)))
            return {"points": points}
        category = str(raw.get("category") or "")
        if not category:
            raise InputError(ERR_NO_CATEGORY.format(names=", ".join(label for label, _ in self.categories.values())))
        if category not in self.categories:
            raise InputError(ERR_UNKNOWN_CHOICE.format(value=category, label="Loại"))
        label, cap = self.categories[category]
        if points > cap:
            raise InputError(ERR_CATEGORY_RANGE.format(label=label, max=fmt(cap)))
        return {"category": category, "points": points}

    def raw_points(self, inputs):
        return inputs["points"]

    def explain(self, inputs, raw):
        if "category" in inputs:
            label, cap = self.categories[inputs["category"]]
            return f"{label} (tối đa {fmt(cap)}): {fmt(raw)} điểm"
        return f"Chấm theo đánh giá: {fmt(raw)}/{fmt(self.max)} điểm"

    def upper_bound(self):
        return max(cap for _, cap in self.categories.values()) if self.categories else self.max


class Composite(CompiledRule):
    kind = "composite"
    label = "Gộp nhiều phần"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.parts: dict[str, tuple[str, CompiledRule]] = {}
        for part in param_list(params, "parts"):
            key = str(part.get("key", "")).strip()
            if not key or key in self.parts:
                raise RuleError("Mỗi phần của quy tắc gộp cần một “key” riêng.")
            part_max = param_decimal(part, "max")
            self.parts[key] = (str(part.get("label", key)), compile_rule(part.get("rule") or {}, part_max))

    @property
    def survey_source(self):
        sources = {rule.survey_source for _, rule in self.parts.values()} - {None}
        return sources.pop() if len(sources) == 1 else None

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
        return sum((min(rule.upper_bound(), rule.max) for _, rule in self.parts.values()), ZERO)

    def lower_bound(self):
        lows = [rule.minimum() for _, rule in self.parts.values()]
        return None if None in lows else sum(lows, ZERO)

    def issues(self):
        own = super().issues()
        return own + [f"{label}: {issue}" for label, rule in self.parts.values() for issue in rule.issues()]


class _Wrapper(CompiledRule):
    """A rule with a special case (`flag`) that replaces the inner rule's result."""

    flag = ""

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.inner = compile_rule(params.get("rule") or {"kind": "judgement"}, max_points)

    @property
    def survey_source(self):
        return self.inner.survey_source

    def floor(self):
        return self.inner.floor()

    def fields(self):
        return [InputField(self.flag, self.flag_label, "bool"), *self.inner.fields()]

    def normalize(self, raw):
        if flag_input(raw, self.flag):
            return {self.flag: True}
        return {self.flag: False, "inner": self.inner.normalize(raw)}

    def raw_points(self, inputs):
        # A substitute above max is a data error of the set: evaluate warns "capped" and score caps it.
        return self.special_points() if inputs[self.flag] else self.inner.raw_points(inputs["inner"])

    def explain(self, inputs, raw):
        return self.special_text() if inputs[self.flag] else self.inner.explain(inputs["inner"], raw)

    def upper_bound(self):
        return max(self.inner.upper_bound(), self.special_points())

    def lower_bound(self):
        inner = self.inner.lower_bound()
        return None if inner is None else min(inner, self.special_points())

    def issues(self):
        return self.inner.issues() + (
            [f"Điểm thay thế {fmt(self.special_points())} vượt điểm tối đa {fmt(self.max)}."]
            if self.special_points() > self.max
            else []
        )


class NotApplicable(_Wrapper):
    kind = "not_applicable"
    label = "Có trường hợp không áp dụng"
    flag = "not_applicable"
    flag_label = "Không áp dụng (không phát sinh)"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        substitute = params.get("substitute")
        self.substitute = None if substitute is None else param_decimal(params, "substitute")

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
    label = "Có trường hợp không phát hiện"
    flag = "nothing_found"
    flag_label = "Không phát hiện vấn đề cần xử lý"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.points = param_decimal(params, "points")

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
        LatePenalty,
        FixedPenalty,
    )
}

# The kinds' Vietnamese names for pages that have a kind and no compiled rule (prefer `CompiledRule.kind_label`).
KIND_LABELS = {kind: cls.label for kind, cls in KINDS.items()}


def compile_rule(rule: Mapping[str, Any] | None, max_points: Decimal | int | str) -> CompiledRule:
    """Validate a rule's parameters once and return the object that scores it.

    A maximum of 0 is legal: a rule that can only take points away (`late_penalty`,
    `fixed_penalty`) needs no invented positive maximum."""
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
