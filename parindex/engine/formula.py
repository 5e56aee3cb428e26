"""The `formula` kind: cases written as the official text writes them.

"từ 50 % đến dưới 80 %: (tỷ lệ / 80 %) × 6; từ 80 %: 6; dưới 50 %: 0" is
`{kind: formula, measure: ratio, cases: [{when: "ty_le >= 80", points: "6"},
{when: "ty_le >= 50 and ty_le < 80", points: "ty_le / 80 * 6"}, {points: "0"}]}`:
the first case whose `when` holds gives the points; a last case without `when` is "otherwise".
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Mapping
from decimal import Decimal, DecimalException

from parindex.engine.errors import EngineError, InputError, RuleError
from parindex.engine.expressions import BOOL, NUM, Expression, Var, is_name, show
from parindex.engine.numbers import HUNDRED, ZERO, fmt
from parindex.engine.rule_base import (
    DEFAULT_A_LABEL,
    DEFAULT_B_LABEL,
    CompiledRule,
    InputField,
    number_input,
    param_bool,
    param_decimal,
    param_list,
    ratio_inputs,
)
from parindex.engine.rules import KIND_LABELS, KINDS

MAX_CASES = 20
MAX_INPUTS = 20
# How many input combinations upper_bound() tries at most (validation time, not scoring time).
MAX_SAMPLES = 2000
INPUT_TYPES = {"number", "integer", "percent"}
KEY = re.compile(r"[a-z_][a-z0-9_]{0,31}")
RESERVED = {"ty_le", "a", "b", "value", "neu", "min", "max", "abs", "round", "and", "or", "not", "if", "else"}
MEASURES = {"ratio", "percent", "number"}


class _Input:
    def __init__(self, key: str, label: str, type_: str, low: Decimal | None, high: Decimal | None) -> None:
        self.key, self.label, self.type = key, label, type_
        self.low, self.high = low, high

    @property
    def var(self) -> Var:
        return Var(self.key, self.label, " %" if self.type == "percent" else "")

    def field(self) -> InputField:
        return InputField(self.key, self.label, self.type)

    def read(self, raw: Mapping) -> Decimal:
        number = number_input(raw, self.key, self.label, integer=self.type == "integer", signed=self.low is not None)
        if self.low is not None and number < self.low:
            raise InputError(f"“{self.label}” không được nhỏ hơn {fmt(self.low)}.")
        if self.high is not None and number > self.high:
            raise InputError(f"“{self.label}” không được lớn hơn {fmt(self.high)}{self.var.unit}.")
        return number


class _Case:
    def __init__(self, number: int, item: Mapping, variables: Mapping[str, Var], last: bool) -> None:
        where = f"Trường hợp {number}"
        if "when" in item and item["when"] is not None:
            self.when = Expression(item["when"], variables, f"{where}, điều kiện", BOOL)
        elif not last:
            raise RuleError(f"{where} không có điều kiện “when” nên phải là trường hợp cuối cùng.")
        else:
            self.when = None
        if "points" not in item or item["points"] is None:
            raise RuleError(f"{where} thiếu “points” (số điểm hoặc công thức tính điểm).")
        self.points = Expression(item["points"], variables, f"{where}, điểm", NUM)
        self.label = str(item.get("label") or "").strip()
        self.number = number

    def text(self) -> str:
        if self.label:
            return self.label
        if self.when is None:
            return "các trường hợp còn lại"
        return self.when.bounds_text() or self.when.render()


class Formula(CompiledRule):
    kind = "formula"
    label = "Theo công thức"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        self.keeps_negative = param_bool(params, "signed")
        self.measure = params.get("measure")
        if self.measure is not None and self.measure not in MEASURES:
            raise RuleError(f"Đại lượng “{self.measure}” không hợp lệ; dùng: {', '.join(sorted(MEASURES))}.")
        self.a_label = str(params.get("a_label") or DEFAULT_A_LABEL)
        self.b_label = str(params.get("b_label") or DEFAULT_B_LABEL)
        self.inputs = self._measure_inputs() + self._declared_inputs()
        self.variables = {i.key: i.var for i in self.inputs}
        if self.measure == "ratio":
            self.variables = {"ty_le": Var("ty_le", "Tỷ lệ", " %"), **self.variables}
        if not self.variables:
            raise RuleError("Công thức cần “measure” hoặc danh sách “inputs” (số liệu để tính).")
        items = param_list(params, "cases")
        if len(items) > MAX_CASES:
            raise RuleError(f"Công thức có quá {MAX_CASES} trường hợp.")
        self.cases = [
            _Case(number, item, self.variables, number == len(items)) for number, item in enumerate(items, start=1)
        ]

    def _measure_inputs(self) -> list[_Input]:
        label = self.params.get("value_label")
        if self.measure == "ratio":
            return [_Input("a", self.a_label, "number", None, None), _Input("b", self.b_label, "number", None, None)]
        if self.measure == "percent":
            return [_Input("ty_le", str(label or "Tỷ lệ"), "percent", None, HUNDRED)]
        if self.measure == "number":
            return [_Input("value", str(label or "Giá trị"), "number", None, None)]
        return []

    def _declared_inputs(self) -> list[_Input]:
        items = self.params.get("inputs") or []
        if not isinstance(items, list) or len(items) > MAX_INPUTS or not all(isinstance(i, Mapping) for i in items):
            raise RuleError(f"“inputs” là danh sách tối đa {MAX_INPUTS} số liệu {{key, label, type}}.")
        inputs, seen = [], set()
        for item in items:
            key = str(item.get("key") or "")
            if not KEY.fullmatch(key) or not is_name(key) or key in RESERVED or key in seen:
                raise RuleError(
                    f"Tên số liệu “{key}” không dùng được: chữ thường không dấu, số và “_”, không trùng, "
                    f"không dùng các tên {', '.join(sorted(RESERVED))}."
                )
            seen.add(key)
            type_ = str(item.get("type") or "number")
            if type_ not in INPUT_TYPES:
                raise RuleError(f"Số liệu “{key}”: kiểu “{type_}” không hợp lệ; dùng: number, integer, percent.")
            low = param_decimal(item, "min") if item.get("min") is not None else None
            high = param_decimal(item, "max") if item.get("max") is not None else None
            if type_ == "percent":
                high = HUNDRED if high is None else min(high, HUNDRED)
            if low is not None and high is not None and low > high:
                raise RuleError(f"Số liệu “{key}”: “min” lớn hơn “max”.")
            inputs.append(_Input(key, str(item.get("label") or key), type_, low, high))
        return inputs

    def fields(self):
        return [i.field() for i in self.inputs]

    def normalize(self, raw):
        if self.measure == "ratio":
            values = ratio_inputs(raw, self.a_label, self.b_label)
            values["ty_le"] = values["b"] / values["a"] * HUNDRED
            return values | {i.key: i.read(raw) for i in self.inputs[2:]}
        return {i.key: i.read(raw) for i in self.inputs}

    def _case(self, inputs) -> _Case | None:
        for case in self.cases:
            if case.when is None or case.when.evaluate(inputs):
                return case
        return None

    def raw_points(self, inputs):
        case = self._case(inputs)
        return ZERO if case is None else case.points.evaluate(inputs)

    def explain(self, inputs, raw):
        head = self._head(inputs)
        case = self._case(inputs)
        if case is None:
            return f"{head}: không thuộc trường hợp nào → 0 điểm"
        steps = case.points.render(inputs)
        result = f"{steps} điểm" if steps == show(raw) else f"{steps} = {show(raw)} điểm"
        if raw < 0 and not self.signed:
            result += " → 0 điểm"
        return f"{head} ({case.text()}): {result}"

    def _head(self, inputs) -> str:
        parts = []
        if self.measure == "ratio":
            parts.append(f"Tỷ lệ {fmt(inputs['b'])}/{fmt(inputs['a'])} = {show(inputs['ty_le'], ' %')}")
        shown = self.inputs[2:] if self.measure == "ratio" else self.inputs
        parts += [f"{i.label} {show(inputs[i.key], i.var.unit)}" for i in shown]
        return "; ".join(parts)

    # --- what the rule can give, for the set's validation --------------------------------
    @functools.cached_property
    def _reach(self) -> tuple[Decimal, Decimal, frozenset[int]] | None:
        """(lowest, highest) points over sampled inputs and the cases they matched; None if no
        sample could be scored. Best effort: every variable is tried at its bounds, at each number
        the formula is written with and just beside it, and on a coarse grid; for a ratio, a = 1,
        100 and 1000. Past MAX_SAMPLES combinations, an even stride through them, plus every input
        at its highest. A maximum hidden between two sampled points (a peak of a non-monotone
        formula, or an unbounded input beyond 10⁶) is missed."""
        literals = sorted({v for case in self.cases for e in (case.when, case.points) if e for v in e.literals})
        columns = [(key, _samples(self._input(key), literals)) for key in self._sampled_keys()]
        total = 1
        for _, values in columns:
            total *= len(values)
        step = max(1, total // MAX_SAMPLES)
        # Coprime with every column's length, so that striding still visits every value of each.
        while total > MAX_SAMPLES and any(math.gcd(step, len(values)) != 1 for _, values in columns):
            step += 1
        lowest = highest = None
        matched: set[int] = set()
        # The strided samples, and always the corner of every input at its highest.
        for index in itertools.chain(range(0, total, step), [total - 1]):
            inputs = self._decode(columns, index)
            try:
                case = self._case(inputs)
                points = ZERO if case is None else case.points.evaluate(inputs)
            except (EngineError, DecimalException):
                continue
            if case is not None:
                matched.add(case.number)
            lowest = points if lowest is None else min(lowest, points)
            highest = points if highest is None else max(highest, points)
        return None if highest is None else (lowest, highest, frozenset(matched))

    def _sampled_keys(self) -> list[str]:
        keys = [i.key for i in self.inputs]
        return ["ty_le", "a", *keys[2:]] if self.measure == "ratio" else keys

    def _input(self, key: str) -> _Input:
        if key == "ty_le" and self.measure == "ratio":
            return _Input("ty_le", "Tỷ lệ", "percent", None, HUNDRED)
        if key == "a" and self.measure == "ratio":
            return _Input("a", self.a_label, "ratio_total", None, None)
        return next(i for i in self.inputs if i.key == key)

    def _decode(self, columns, index: int) -> dict[str, Decimal]:
        inputs = {}
        for key, values in columns:
            index, position = divmod(index, len(values))
            inputs[key] = values[position]
        if self.measure == "ratio":
            inputs["b"] = inputs["a"] * inputs["ty_le"] / HUNDRED
        return inputs

    def upper_bound(self):
        reach = self._reach
        return self.max if reach is None else reach[1]

    def lower_bound(self):
        # Unsigned, negative points count as 0. Signed, the sampled lowest is only an estimate
        # (a trough between two samples is missed), so no lower limit is promised.
        return None if self.keeps_negative else ZERO

    def unreachable_issue(self):
        highest = self.upper_bound()
        if highest >= self.max:
            return None
        return (
            f"Điểm tối đa {fmt(self.max)} không đạt được: công thức cho nhiều nhất khoảng {show(highest)} điểm "
            "(ước tính trên các giá trị mẫu)."
        )

    def issues(self):
        problems = super().issues()
        reach = self._reach
        if reach is None:
            return problems
        lowest, _, matched = reach
        if lowest < 0 and not self.signed:
            problems.append("Công thức có thể cho điểm âm, được tính là 0 (thêm “signed: true” nếu là điểm trừ).")
        problems += [
            f"Trường hợp {case.number} ({case.text()}) có thể không bao giờ xảy ra: không giá trị mẫu nào rơi vào."
            for case in self.cases
            if case.number not in matched
        ]
        return problems


def _samples(spec: _Input, literals: list[Decimal]) -> list[Decimal]:
    if spec.type == "ratio_total":
        return sorted({Decimal(1), Decimal(100), Decimal(1000), *(v for v in literals if v > 0)})
    low = spec.low if spec.low is not None else ZERO
    delta = Decimal(1) if spec.type == "integer" else Decimal("0.01")
    values = {low, *itertools.chain.from_iterable((v - delta, v, v + delta) for v in literals)}
    if spec.high is not None:
        values |= {spec.high, *(low + (spec.high - low) * k / 10 for k in range(11))}
    else:
        values |= {low + 1, Decimal(10), HUNDRED, Decimal(1000), Decimal(10) ** 6, *(v * 10 for v in literals)}
    values = {v for v in values if v >= low and (spec.high is None or v <= spec.high)}
    if spec.type == "integer":
        values = {v for v in values if v == v.to_integral_value()}
    return sorted(values)


KINDS[Formula.kind] = Formula
KIND_LABELS[Formula.kind] = Formula.label
