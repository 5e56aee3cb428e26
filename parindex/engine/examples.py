"""Worked examples of a rule: inputs taken at its thresholds (both sides of a strict bound) and
at each of its choices, scored and explained by the rule itself. The criterion panel shows them
beside the official wording, so a coordinator sees what the engine does with "trên 90 %"
before a department types a figure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from parindex.engine.numbers import HUNDRED, ZERO, fmt, to_decimal
from parindex.engine.rules import CompiledRule, InputField

MAX_EXAMPLES = 8
BOUND_KEYS = ("at_least", "above", "at_most", "below", "threshold")
NUMERIC = {"number", "integer", "percent"}
STEP = Decimal(1)
YES_NO_KEY = "value"
MAX_WALK = 500  # parameter nodes looked at for bounds; a rule is a few dozen


@dataclass(frozen=True)
class Example:
    inputs: tuple[tuple[str, str], ...]  # (input label, value as a user would type or choose it)
    points: Decimal
    explanation: str


def examples(rule: CompiledRule) -> list[Example]:
    """Up to MAX_EXAMPLES distinct results of the rule, first the one at its first threshold."""
    fields = rule.fields()
    found: list[Example] = []
    seen: set[str] = set()
    for raw in _variants(fields, _bound_values(rule.params), rule.max):
        result = rule.evaluate(raw)
        if result.points is None or result.explanation in seen:
            continue
        seen.add(result.explanation)
        found.append(Example(tuple(_shown(fields, raw)), result.points, result.explanation))
        if len(found) == MAX_EXAMPLES:
            break
    return found


def _bound_values(params: Any) -> list[Decimal]:
    """The figures the rule's bounds name, each moved inside its band when the bound is strict
    ("trên 90" → 91), in the order written."""
    values: list[Decimal] = []
    pending, walked = [params], 0
    while pending and walked < MAX_WALK:
        item = pending.pop(0)
        walked += 1
        if isinstance(item, Mapping):
            for key in BOUND_KEYS:
                if key in item:
                    value = _decimal(item[key])
                    if value is not None:
                        values.append(value + STEP if key == "above" else value - STEP if key == "below" else value)
            pending.extend(v for v in item.values() if isinstance(v, Mapping | list))
        elif isinstance(item, list):
            pending.extend(item)
    return list(dict.fromkeys(v for v in values if v >= 0))


def _decimal(value: Any) -> Decimal | None:
    try:
        return to_decimal(value)
    except (ArithmeticError, ValueError):
        return None


def _variants(fields: list[InputField], values: list[Decimal], maximum: Decimal) -> Iterable[dict[str, Any]]:
    """The base inputs (every field at its first candidate), then each field moved alone
    through its other candidates. Without bounds, a single figure is tried at its top (100 %,
    or the maximum for a judgement) and at 0."""
    if not values:
        values = [HUNDRED if _is_ratio(fields) or any(f.type == "percent" for f in fields) else maximum]
    values = list(dict.fromkeys([*values, ZERO]))  # 0: the "otherwise" band
    if _is_ratio(fields) and HUNDRED not in values:
        values.append(HUNDRED)
    candidates = {field.key: _candidates(field, fields, values, maximum) for field in fields}
    if _is_ratio(fields):
        candidates.pop("b")
        candidates["a"] = [{"a": fmt(HUNDRED), "b": fmt(v)} for v in values if v <= HUNDRED]
    base: dict[str, Any] = {}
    for options in candidates.values():
        if options:
            base.update(options[0])
    yield base
    for options in candidates.values():
        for option in options[1:]:
            yield {**base, **option}


def _is_ratio(fields: list[InputField]) -> bool:
    return {"a", "b"} <= {field.key for field in fields}


def _candidates(
    field: InputField, fields: list[InputField], values: list[Decimal], maximum: Decimal
) -> list[dict[str, Any]]:
    key = field.key
    if field.type in NUMERIC:
        # Several figures (done and failed, this year and last): each moved alone between 1 and 0.
        numbers = values if len([f for f in fields if f.type in NUMERIC]) == 1 else [Decimal(1), ZERO]
        if field.type == "percent":
            numbers = [v for v in numbers if v <= HUNDRED]
        if field.type == "integer":
            numbers = [v for v in numbers if v == v.to_integral_value()]
        return [{key: fmt(v)} for v in numbers or [Decimal(1)]]
    if field.type == "bool":
        # A yes/no rule's answer: "yes" first; a wrapper's special case ("không áp dụng") second,
        # after the rule it wraps.
        return [{key: True}, {key: False}] if key == YES_NO_KEY else [{key: False}, {key: True}]
    if field.type == "choice":
        return [{key: choice} for choice, _ in field.choices if choice]
    if field.type == "multi":
        return [{key: [choice for choice, _ in field.choices]}, {key: []}]
    if field.type == "group":
        nested = next(iter(_variants(list(field.fields), values, maximum)), {})
        return [{key: nested}]
    return []


def _shown(fields: list[InputField], raw: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for field in fields:
        if field.key not in raw:
            continue
        value = raw[field.key]
        if field.type == "group":
            yield from ((f"{field.label}: {label}", text) for label, text in _shown(list(field.fields), value))
        elif field.type == "bool":
            yield field.label, "có" if value else "không"
        elif field.type == "choice":
            yield field.label, dict(field.choices).get(value, str(value))
        elif field.type == "multi":
            labels = dict(field.choices)
            yield field.label, "; ".join(labels[k] for k in value) if value else "không mục nào"
        else:
            yield field.label, str(value)
