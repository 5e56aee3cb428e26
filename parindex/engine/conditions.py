"""The `condition` kind: "nếu chưa ban hành kế hoạch: 0; nếu đã ban hành: theo tỷ lệ".

It branches on an input of its own (a yes/no or a choice) or on another criterion's points,
which the caller passes as `evaluate(inputs, context={"1.1.1": points})`. Each branch is any
rule; its inputs are nested under the branch's key, as a composite's parts are."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from parindex.engine.bands import Bound, Interval, parse_interval
from parindex.engine.context import criterion_points
from parindex.engine.errors import InputError, RuleError
from parindex.engine.expressions import bounds_words
from parindex.engine.numbers import ZERO, fmt, fmt_signed, to_decimal
from parindex.engine.rule_base import (
    ERR_MISSING,
    ERR_UNKNOWN_CHOICE,
    CompiledRule,
    InputField,
    flag_input,
    param_decimal,
    param_list,
)
from parindex.engine.rules import KIND_LABELS, KINDS, compile_rule

MAX_BRANCHES = 20
KEY = re.compile(r"[a-z_][a-z0-9_]{0,31}")
CODE = re.compile(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)*")
YES = {"true", "1", "yes", "có", "co", "đã"}
NO = {"false", "0", "no", "không", "khong", "chưa"}
OTHERWISE = "otherwise"
BOUND_KEYS = {"at_least", "above", "at_most", "below"}


class Constant(CompiledRule):
    """A branch's fixed points ("nếu chưa ban hành: 0"); not a kind of its own in set files."""

    kind = "points"

    def __init__(self, points: Decimal, max_points: Decimal) -> None:
        super().__init__({}, max_points)
        self.points = points

    def fields(self):
        return []

    def normalize(self, raw):
        return {}

    def raw_points(self, inputs):
        return self.points

    def explain(self, inputs, raw):
        return f"{fmt_signed(raw) if self.signed else fmt(raw)} điểm"

    def upper_bound(self):
        return self.points

    def lower_bound(self):
        return self.points


def parse_when(when: object, where: str) -> Interval:
    """A branch on another criterion's points: bounds as a band's (SCHEMA item 1), or one value."""
    if not isinstance(when, Mapping):
        try:
            value = to_decimal(when)
        except (InvalidOperation, ValueError) as error:
            raise RuleError(f"{where}: “when” là số điểm hoặc các mốc at_least/above/at_most/below.") from error
        return Interval(Bound(value, False), Bound(value, False))
    if not when or set(when) - BOUND_KEYS:
        raise RuleError(
            f"{where}: “when” có một mốc dưới (at_least hoặc above) và/hoặc một mốc trên (at_most hoặc below)."
        )
    try:
        return parse_interval(when)
    except RuleError as error:
        raise RuleError(f"{where}: {error.message}") from error


def when_text(interval: Interval) -> str:
    low, high = interval.low, interval.high
    if low is not None and high is not None and low.value == high.value:
        return f"bằng {fmt(low.value)} điểm"
    lower = None if low is None else (low.strict, fmt(low.value))
    upper = None if high is None else (high.strict, fmt(high.value))
    return f"{bounds_words(lower, upper)} điểm"


@dataclass(frozen=True)
class Branch:
    key: str
    label: str
    rule: CompiledRule
    when: object = None  # bool, frozenset of choice keys, Interval; None for "otherwise"


def _inner(item: Mapping, max_points: Decimal, where: str) -> CompiledRule:
    if item.get("rule") is not None:
        return compile_rule(item["rule"], max_points)
    if "points" in item:
        return Constant(param_decimal(item, "points"), max_points)
    if "rule" in item:  # `rule: null`: this case gives nothing
        return Constant(ZERO, max_points)
    raise RuleError(f"{where} cần “rule” (quy tắc tính điểm) hoặc “points” (số điểm).")


class Condition(CompiledRule):
    kind = "condition"
    label = "Theo điều kiện"

    def __init__(self, params, max_points):
        super().__init__(params, max_points)
        on = params.get("on")
        if not isinstance(on, Mapping) or ("input" in on) == ("criterion" in on):
            raise RuleError("Quy tắc điều kiện cần “on”: {input: …} (một số liệu) hoặc {criterion: …} (một tiêu chí).")
        self.code = self.input = None
        self.choices: dict[str, str] = {}
        if "criterion" in on:
            self.code = str(on["criterion"] or "").strip()
            if not CODE.fullmatch(self.code):
                raise RuleError(f"Mã tiêu chí “{self.code}” trong “on” không đúng dạng (ví dụ 1.1.1).")
            self.type = "criterion"
        else:
            self.input = str(on["input"] or "")
            if not KEY.fullmatch(self.input) or self.input == OTHERWISE:
                raise RuleError(f"Tên số liệu điều kiện “{self.input}” không dùng được: chữ thường không dấu, số, “_”.")
            self.type = str(on.get("type") or "bool")
            if self.type not in {"bool", "choice"}:
                raise RuleError("Kiểu của số liệu điều kiện là “bool” (có / không) hoặc “choice” (lựa chọn).")
            if self.type == "choice":
                self.choices = self._choices(on)
        self.on_label = str(on.get("label") or (f"Điểm tiêu chí {self.code}" if self.code else self.input))
        items = param_list(params, "branches")
        if len(items) > MAX_BRANCHES:
            raise RuleError(f"Quy tắc điều kiện có quá {MAX_BRANCHES} nhánh.")
        self.branches = [self._branch(number, item) for number, item in enumerate(items, start=1)]
        keys = [b.key for b in self.branches]
        if len(set(keys)) != len(keys) or self.input in keys:
            raise RuleError("Các nhánh cần “key” khác nhau (và khác tên số liệu điều kiện).")
        self._check_overlaps()
        otherwise = params.get("otherwise")
        self.otherwise = Branch(
            OTHERWISE,
            "Các trường hợp còn lại",
            Constant(ZERO, max_points) if otherwise is None else _inner({"rule": otherwise}, max_points, "“otherwise”"),
        )

    @staticmethod
    def _choices(on: Mapping) -> dict[str, str]:
        items = on.get("choices")
        if not isinstance(items, list) or len(items) < 2 or not all(isinstance(i, Mapping) for i in items):
            raise RuleError("Số liệu điều kiện kiểu “choice” cần “choices”: ít nhất hai lựa chọn {key, label}.")
        choices = {str(i.get("key") or ""): str(i.get("label") or i.get("key") or "") for i in items}
        if "" in choices or len(choices) != len(items):
            raise RuleError("Mỗi lựa chọn cần một “key” riêng.")
        return choices

    def _branch(self, number: int, item: Mapping) -> Branch:
        where = f"Nhánh {number}"
        if not isinstance(item, Mapping) or "when" not in item:
            raise RuleError(f"{where} thiếu “when” (khi nào áp dụng nhánh này).")
        when, key, label = self._when(item["when"], number, where)
        key = str(item.get("key") or key)
        if not KEY.fullmatch(key):
            raise RuleError(f"{where}: “key” “{key}” không dùng được: chữ thường không dấu, số, “_”.")
        return Branch(key, str(item.get("label") or label), _inner(item, self.max, where), when)

    def _when(self, when: object, number: int, where: str) -> tuple[object, str, str]:
        if self.type == "criterion":
            interval = parse_when(when, where)
            return interval, f"muc_{number}", f"Tiêu chí {self.code} {when_text(interval)}"
        if self.type == "bool":
            text = str(when).strip().lower()
            if text not in YES | NO:
                raise RuleError(f"{where}: “when” là true (có) hoặc false (không), không phải “{when}”.")
            value = text in YES
            return value, "co" if value else "khong", f"{self.on_label}: {'Có' if value else 'Không'}"
        keys = frozenset(str(k) for k in (when if isinstance(when, list) else [when]))
        unknown = sorted(keys - set(self.choices))
        if unknown or not keys:
            raise RuleError(f"{where}: lựa chọn “{', '.join(unknown)}” không có trong “choices”.")
        key = "_".join(sorted(keys))
        key = key if KEY.fullmatch(key) else f"nhanh_{number}"
        return keys, key, ", ".join(self.choices[k] for k in self.choices if k in keys)

    def _check_overlaps(self) -> None:
        if self.type == "criterion":
            return  # bands: the first that matches wins, as in every band list
        seen: set = set()
        for branch in self.branches:
            values = {branch.when} if self.type == "bool" else set(branch.when)
            if values & seen:
                raise RuleError(f"Nhánh “{branch.label}” lặp lại một giá trị đã có ở nhánh trước.")
            seen |= values

    @property
    def all_branches(self) -> list[Branch]:
        return [*self.branches, self.otherwise]

    def fields(self):
        own = (
            []
            if self.input is None
            else [InputField(self.input, self.on_label, self.type, tuple(self.choices.items()))]
        )
        groups = [InputField(b.key, b.label, "group", fields=tuple(b.rule.fields())) for b in self.all_branches]
        return own + [group for group in groups if group.fields]

    def normalize(self, raw):
        if self.input is None:
            # Which branch applies is known only with the context: check every branch's inputs now
            # and report the chosen branch's problem, if any, when scoring.
            return {"inner": {b.key: self._inner_inputs(b, raw, deferred=True) for b in self.all_branches}}
        value = self._value(raw)
        branch = next((b for b in self.branches if self._matches(b, value)), self.otherwise)
        return {self.input: value, "branch": branch.key, "inner": {branch.key: self._inner_inputs(branch, raw)}}

    def _value(self, raw) -> bool | str:
        if self.type == "bool":
            return flag_input(raw, self.input)
        value = str(raw.get(self.input) or "")
        if not value:
            raise InputError(ERR_MISSING.format(label=self.on_label))
        if value not in self.choices:
            raise InputError(ERR_UNKNOWN_CHOICE.format(value=value, label=self.on_label))
        return value

    def _matches(self, branch: Branch, value) -> bool:
        if self.type == "bool":
            return branch.when == value
        if self.type == "choice":
            return value in branch.when
        return branch.when.matches(value)

    @staticmethod
    def _inner_inputs(branch: Branch, raw, *, deferred: bool = False):
        part = raw.get(branch.key)
        try:
            return branch.rule.normalize(part if isinstance(part, Mapping) else {})
        except InputError as error:
            problem = InputError(f"{branch.label}: {error.message}")
            if deferred:
                return problem
            raise problem from error

    def _active(self, inputs) -> tuple[Branch, Mapping]:
        if self.input is not None:
            key = inputs["branch"]
            branch = next((b for b in self.all_branches if b.key == key), self.otherwise)
        else:
            points = criterion_points(self.code)
            branch = next((b for b in self.branches if b.when.matches(points)), self.otherwise)
        inner = inputs["inner"][branch.key]
        if isinstance(inner, InputError):
            raise inner
        return branch, inner

    def raw_points(self, inputs):
        branch, inner = self._active(inputs)
        return branch.rule.raw_points(inner)

    def score(self, inputs):
        branch, inner = self._active(inputs)
        return branch.rule.score(inner)

    def explain(self, inputs, raw):
        branch, inner = self._active(inputs)
        return f"{self._condition_text(inputs, branch)} → {branch.rule.explain(inner, raw)}"

    def _condition_text(self, inputs, branch: Branch) -> str:
        if self.input is None:
            where = when_text(branch.when) if branch is not self.otherwise else "các trường hợp còn lại"
            return f"Tiêu chí {self.code} được {fmt(criterion_points(self.code))} điểm ({where})"
        value = inputs[self.input]
        shown = ("Có" if value else "Không") if self.type == "bool" else self.choices[value]
        return f"{self.on_label}: {shown}"

    def is_excluded(self, inputs):
        branch, inner = self._active(inputs)
        return branch.rule.is_excluded(inner)

    def upper_bound(self):
        return max(b.rule.upper_bound() for b in self.all_branches)

    def lower_bound(self):
        # Each branch scores within its own floor, so the fewest points are the branches' minimum.
        lows = [b.rule.minimum() for b in self.all_branches]
        return None if None in lows else min(lows)

    def issues(self):
        problems = super().issues()
        for branch in self.all_branches:
            # A branch may give less than the maximum ("chưa ban hành: 0"): only the whole rule must reach it.
            partial = branch.rule.unreachable_issue()
            problems += [f"Nhánh “{branch.label}”: {p}" for p in branch.rule.issues() if p != partial]
        return problems


KINDS[Condition.kind] = Condition
KIND_LABELS[Condition.kind] = Condition.label
