"""The formula language: small arithmetic over a rule's declared inputs, exact in Decimal.

An official text such as "(tỷ lệ / 80 %) × 6" is typed as `ty_le / 80 * 6`. Expressions are
parsed once with Python's `ast`, checked against a whitelist (names, operators, functions,
types, length and depth) and then evaluated by simpleeval restricted to the same whitelist, so
neither a typo nor a hostile set file can reach anything but the numbers it was given."""

from __future__ import annotations

import ast
import operator
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from simpleeval import SimpleEval

from parindex.engine.errors import InputError, RuleError
from parindex.engine.numbers import fmt, to_decimal

MAX_LENGTH = 300
MAX_DEPTH = 20
MAX_POWER = 4
MAX_ROUND_PLACES = 6
MAX_ARGS = 10
SHOWN_PLACES = 4  # an explanation shows 66,6667 % for 2/3, not 28 digits

NUM, BOOL = "num", "bool"
# Symbols an official text uses, typed as they are printed.
SYMBOLS = {"×": "*", "÷": "/", "≥": ">=", "≤": "<=", "≠": "!=", "−": "-", "–": "-"}
# name → (arguments: minimum, maximum)
FUNCTIONS = {"min": (2, MAX_ARGS), "max": (2, MAX_ARGS), "abs": (1, 1), "round": (1, 2), "neu": (3, 3)}

ARITHMETIC = {ast.Add: " + ", ast.Sub: " − ", ast.Mult: " × ", ast.Div: " / ", ast.Pow: "^"}
COMPARISONS = {ast.Eq: " = ", ast.NotEq: " ≠ ", ast.Lt: " < ", ast.LtE: " ≤ ", ast.Gt: " > ", ast.GtE: " ≥ "}
FORBIDDEN = {
    ast.Attribute: "truy cập thuộc tính (dấu chấm sau một tên)",
    ast.Subscript: "chỉ số trong ngoặc vuông",
    ast.Lambda: "hàm lambda",
    ast.NamedExpr: "phép gán",
    ast.JoinedStr: "chuỗi chữ",
    ast.List: "danh sách",
    ast.Tuple: "bộ giá trị",
    ast.Dict: "từ điển",
    ast.Set: "tập hợp",
}
PRECEDENCE = {ast.Or: 1, ast.And: 2, ast.Not: 3, ast.Compare: 4, ast.Add: 5, ast.Sub: 5, ast.Mult: 6, ast.Div: 6}


@dataclass(frozen=True)
class Var:
    name: str
    label: str
    unit: str = ""  # " %" for a percentage


class _DivisionByZero(ArithmeticError):
    pass


def _divide(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        raise _DivisionByZero
    return a / b


def _round(value: Decimal, places: Decimal = Decimal(0)) -> Decimal:
    # Vietnamese documents round half up (0,125 → 0,13), not to even.
    return value.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: _divide,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_CALLABLES = {"min": min, "max": max, "abs": abs, "round": _round}
_VALUES = (Decimal, bool)
_NODES = (ast.Name, ast.Constant, ast.UnaryOp, ast.BinOp, ast.BoolOp, ast.Compare, ast.IfExp)


class _Evaluator(SimpleEval):
    """simpleeval with every node, operator and function outside the whitelist removed."""

    def __init__(self) -> None:
        super().__init__(operators=_OPERATORS, functions=_CALLABLES, names={})
        self.nodes = {node: self.nodes[node] for node in _NODES}
        self.nodes[ast.Call] = self._call

    def _check_disallowed_items(self, item) -> None:
        # Stricter and cheaper than simpleeval's walk of containers: only numbers and truth values.
        if type(item) not in _VALUES:
            raise InvalidOperation(f"{type(item).__name__} in a formula")

    def run(self, tree: ast.AST, names: Mapping[str, Decimal]) -> Decimal | bool:
        self.names = names
        try:
            return self._eval(tree)
        finally:
            self.names = {}

    def _call(self, node: ast.Call):
        name = node.func.id
        if name == "neu":
            # Lazy, like an "if": the branch not taken may divide by zero.
            test, yes, no = node.args
            return self._eval(yes if self._eval(test) else no)
        return self.functions[name](*(self._eval(arg) for arg in node.args))


_EVALUATORS = threading.local()


def _run(tree: ast.AST, names: Mapping[str, Decimal]) -> Decimal | bool:
    # Building a SimpleEval costs a hundred times the evaluation of a short formula; one per
    # thread is reused (an evaluation never starts another inside itself).
    evaluator = getattr(_EVALUATORS, "evaluator", None)
    if evaluator is None:
        evaluator = _EVALUATORS.evaluator = _Evaluator()
    return evaluator.run(tree, names)


class Expression:
    """One checked expression; `where` names it in messages ("Trường hợp 2, điều kiện")."""

    def __init__(self, text: object, variables: Mapping[str, Var], where: str, expect: str) -> None:
        self.where = where
        self.variables = variables
        self.text = str(text).strip()
        if not self.text:
            raise self._error("chưa viết công thức")
        if len(self.text) > MAX_LENGTH:
            raise self._error(f"công thức dài quá {MAX_LENGTH} ký tự")
        source = self.text
        for symbol, ascii_symbol in SYMBOLS.items():
            source = source.replace(symbol, ascii_symbol)
        try:
            self.tree = ast.parse(source, mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            hint = " (tỷ lệ là số từ 0 đến 100: viết 50, không viết 50 %)" if "%" in source else ""
            raise self._error(f"viết sai cú pháp{hint}") from error
        self.literals: list[Decimal] = []
        kind = self._check(self.tree, source, 1)
        if kind != expect:
            raise self._error("cần một điều kiện (so sánh)" if expect == BOOL else "cần một số, không phải điều kiện")

    def _error(self, problem: str) -> RuleError:
        return RuleError(f"{self.where} (“{self.text}”): {problem}.")

    # --- compile-time check: returns NUM or BOOL --------------------------------------
    def _check(self, node: ast.AST, source: str, depth: int) -> str:
        if depth > MAX_DEPTH:
            raise self._error(f"công thức lồng nhau quá {MAX_DEPTH} tầng")

        def check(child: ast.AST) -> str:
            return self._check(child, source, depth + 1)

        if isinstance(node, ast.Constant):
            return self._constant(node, source)
        if isinstance(node, ast.Name):
            if node.id not in self.variables:
                if node.id in FUNCTIONS:
                    raise self._error(f"hàm “{node.id}” cần ngoặc: {node.id}(…)")
                known = ", ".join(self.variables) or "không có biến nào"
                raise self._error(f"không có biến “{node.id}”; dùng: {known}")
            return NUM
        if isinstance(node, ast.UnaryOp):
            wanted = BOOL if isinstance(node.op, ast.Not) else NUM
            if type(node.op) not in _OPERATORS:
                raise self._error("phép “~” không dùng được")
            self._expect(check(node.operand), wanted)
            return wanted
        if isinstance(node, ast.BinOp):
            if type(node.op) not in ARITHMETIC:
                raise self._error(f"phép “{_op_text(node)}” không dùng được")
            self._expect(check(node.left), NUM)
            if isinstance(node.op, ast.Pow):
                self._power(node.right, source)
            else:
                self._expect(check(node.right), NUM)
            return NUM
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self._expect(check(value), BOOL)
            return BOOL
        if isinstance(node, ast.Compare):
            if any(type(op) not in COMPARISONS for op in node.ops):
                raise self._error("chỉ so sánh bằng =, ≠, <, ≤, >, ≥ (==, !=, <, <=, >, >=)")
            for operand in (node.left, *node.comparators):
                self._expect(check(operand), NUM)
            return BOOL
        if isinstance(node, ast.IfExp):
            self._expect(check(node.test), BOOL)
            return self._same(check(node.body), check(node.orelse))
        if isinstance(node, ast.Call):
            return self._call(node, source, check)
        what = FORBIDDEN.get(type(node), ast.get_source_segment(source, node) or type(node).__name__)
        raise self._error(f"không dùng được {what} trong công thức")

    def _constant(self, node: ast.Constant, source: str) -> str:
        if isinstance(node.value, bool):
            return BOOL
        if isinstance(node.value, str):
            raise self._error("chỉ dùng số, không dùng chữ trong dấu ngoặc kép")
        if not isinstance(node.value, int | float):
            raise self._error(f"“{ast.get_source_segment(source, node)}” không phải là số")
        text = (ast.get_source_segment(source, node) or "").replace("_", "")
        try:
            node.value = to_decimal(text)  # from the text as written: 0.1 stays exact
        except (InvalidOperation, ValueError) as error:
            raise self._error(f"số “{text}” không hợp lệ") from error
        self.literals.append(node.value)
        return NUM

    def _power(self, node: ast.AST, source: str) -> None:
        exponent = node.value if isinstance(node, ast.Constant) else None
        if isinstance(exponent, int) and not isinstance(exponent, bool) and 1 <= exponent <= MAX_POWER:
            node.value = Decimal(exponent)
            return
        raise self._error(f"số mũ chỉ là số nguyên từ 1 đến {MAX_POWER}")

    def _call(self, node: ast.Call, source: str, check: Callable) -> str:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            called = ast.get_source_segment(source, node.func)
            raise self._error(f"không có hàm “{called}”; dùng: {', '.join(FUNCTIONS)}")
        low, high = FUNCTIONS[name]
        if node.keywords or not low <= len(node.args) <= high:
            count = str(low) if low == high else f"{low} đến {high}"
            raise self._error(f"hàm “{name}” cần {count} đối số, cách nhau bởi dấu phẩy")
        if name == "neu":
            self._expect(check(node.args[0]), BOOL)
            return self._same(check(node.args[1]), check(node.args[2]))
        if name == "round" and len(node.args) == 2:
            self._expect(check(node.args[0]), NUM)
            places = node.args[1]
            if not (isinstance(places, ast.Constant) and type(places.value) is int):
                places = None
            if places is None or places.value > MAX_ROUND_PLACES:
                raise self._error(f"round(x, n): n là số chữ số thập phân, từ 0 đến {MAX_ROUND_PLACES}")
            places.value = Decimal(places.value)
            return NUM
        for arg in node.args:
            self._expect(check(arg), NUM)
        return NUM

    def _expect(self, got: str, wanted: str) -> None:
        if got != wanted:
            if wanted == BOOL:
                raise self._error("ở đây cần một điều kiện (so sánh, and, or, not), không phải một số")
            raise self._error("phép tính cần số, không phải điều kiện")

    def _same(self, first: str, second: str) -> str:
        if first != second:
            raise self._error("hai nhánh của phép chọn phải cùng là số (hoặc cùng là điều kiện)")
        return first

    # --- evaluation -----------------------------------------------------------------
    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal | bool:
        try:
            with localcontext() as context:
                context.prec = 28
                return _run(self.tree, values)
        except _DivisionByZero as error:
            raise InputError(f"Không tính được điểm: công thức chia cho 0 với số liệu này ({self.where}).") from error

    # --- explanation --------------------------------------------------------------------
    def render(self, values: Mapping[str, Decimal] | None = None) -> str:
        """The expression in the document's notation: with `values`, numbers substituted and only
        the branch taken of a choice; without, the variables' labels."""
        return _Renderer(self, values).text(self.tree)

    def bounds_text(self) -> str | None:
        """ "từ 50 % đến dưới 80 %" for `ty_le >= 50 and ty_le < 80`; None if not that shape."""
        pairs = _comparisons(self.tree)
        if not pairs or len({name for name, _, _ in pairs}) != 1:
            return None
        var = self.variables[pairs[0][0]]
        lower = [(op, value) for _, op, value in pairs if isinstance(op, ast.Gt | ast.GtE)]
        upper = [(op, value) for _, op, value in pairs if isinstance(op, ast.Lt | ast.LtE)]
        equal = [value for _, op, value in pairs if isinstance(op, ast.Eq)]
        if len(lower) > 1 or len(upper) > 1 or len(pairs) != len(lower) + len(upper) + len(equal) or len(equal) > 1:
            return None
        if equal:
            return f"bằng {show(equal[0], var.unit)}"
        lows = [(isinstance(op, ast.Gt), show(v, var.unit)) for op, v in lower]
        highs = [(isinstance(op, ast.Lt), show(v, var.unit)) for op, v in upper]
        return bounds_words(lows[0] if lows else None, highs[0] if highs else None)


def is_name(text: str) -> bool:
    """A name an expression can use as a variable (not a Python keyword such as `in`)."""
    try:
        return isinstance(ast.parse(text, mode="eval").body, ast.Name)
    except SyntaxError:
        return False


def bounds_words(lower: tuple[bool, str] | None, upper: tuple[bool, str] | None) -> str:
    """(strict, "50 %") bounds as the documents write them: "từ 50 % đến dưới 80 %", "trên 90 %"."""
    parts = [f"{'trên' if lower[0] else 'từ'} {lower[1]}"] if lower else []
    if upper:
        parts.append(f"{'đến ' if lower else ''}{'dưới' if upper[0] else 'đến'} {upper[1]}".replace("đến đến", "đến"))
    return " ".join(parts)


def _op_text(node: ast.BinOp) -> str:
    return {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@"}.get(type(node.op), "dịch bit hoặc phép bit")


def _comparisons(node: ast.AST) -> list[tuple[str, ast.cmpop, Decimal]] | None:
    """`a op literal` pairs of a conjunction of comparisons, the variable always on the left."""
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        pairs = []
        for value in node.values:
            more = _comparisons(value)
            if more is None:
                return None
            pairs += more
        return pairs
    if not isinstance(node, ast.Compare):
        return None
    flipped = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq}
    pairs, operands = [], [node.left, *node.comparators]
    for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
        if type(op) not in flipped:
            return None
        if isinstance(left, ast.Name) and isinstance(right, ast.Constant):
            pairs.append((left.id, op, right.value))
        elif isinstance(left, ast.Constant) and isinstance(right, ast.Name):
            pairs.append((right.id, flipped[type(op)](), left.value))
        else:
            return None
    return pairs


def show(value: Decimal, unit: str = "") -> str:
    if value.as_tuple().exponent < -SHOWN_PLACES:
        value = value.quantize(Decimal(1).scaleb(-SHOWN_PLACES), rounding=ROUND_HALF_UP)
    return f"{fmt(value)}{unit}"


class _Renderer:
    def __init__(self, expression: Expression, values: Mapping[str, Decimal] | None) -> None:
        self.variables = expression.variables
        self.expression = expression
        self.values = values

    def is_percent(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return self.variables[node.id].unit == " %"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            return self.is_percent(node.left) or self.is_percent(node.right)
        if isinstance(node, ast.UnaryOp):
            return self.is_percent(node.operand)
        if isinstance(node, ast.Call) and node.func.id in {"min", "max", "abs", "round"}:
            return any(self.is_percent(arg) for arg in node.args)
        return False

    def text(self, node: ast.AST, percent: bool = False) -> str:
        node = self.taken(node)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return "đúng" if node.value else "sai"
            return show(node.value, " %" if percent else "")
        if isinstance(node, ast.Name):
            var = self.variables[node.id]
            return var.label if self.values is None else show(self.values[node.id], var.unit)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return f"không ({self.text(node.operand)})"
            sign = "−" if isinstance(node.op, ast.USub) else "+"
            return f"{sign}{self.wrapped(node.operand, 8, percent)}"
        if isinstance(node, ast.BinOp):
            level = 8 if isinstance(node.op, ast.Pow) else PRECEDENCE[type(node.op)]
            left_percent = isinstance(node.op, ast.Add | ast.Sub) and self.is_percent(node.right)
            right_percent = isinstance(node.op, ast.Add | ast.Sub | ast.Div) and self.is_percent(node.left)
            left = self.wrapped(node.left, level, percent or left_percent)
            right = self.wrapped(node.right, level + 1, right_percent and not isinstance(node.op, ast.Pow))
            return f"{left}{ARITHMETIC[type(node.op)]}{right}"
        if isinstance(node, ast.BoolOp):
            word = " và " if isinstance(node.op, ast.And) else " hoặc "
            return word.join(self.wrapped(value, PRECEDENCE[type(node.op)] + 1) for value in node.values)
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            hint = any(self.is_percent(operand) for operand in operands)
            parts = [self.wrapped(node.left, 5, hint)]
            for op, operand in zip(node.ops, node.comparators, strict=True):
                parts.append(f"{COMPARISONS[type(op)]}{self.wrapped(operand, 5, hint)}")
            return "".join(parts)
        if isinstance(node, ast.IfExp):
            return self.choice(node.test, node.body, node.orelse, percent)
        name, args = node.func.id, node.args
        if name == "neu":
            return self.choice(*args, percent)
        hint = percent or any(self.is_percent(arg) for arg in args)
        if name == "abs":
            return f"|{self.text(args[0], hint)}|"
        if name == "round":
            places = f"; {args[1].value} chữ số" if len(args) == 2 else ""
            return f"làm tròn({self.text(args[0], hint)}{places})"
        return f"{name}({'; '.join(self.text(arg, hint) for arg in args)})"

    def wrapped(self, node: ast.AST, level: int, percent: bool = False) -> str:
        node = self.taken(node)
        text = self.text(node, percent)
        own = PRECEDENCE.get(type(getattr(node, "op", None)), 9)
        if isinstance(node, ast.Compare):
            own = PRECEDENCE[ast.Compare]
        elif isinstance(node, ast.IfExp) and self.values is None:
            own = 0
        elif isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Not):
            own = 7
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            own = 8
        # A negative number inside a sum or product is bracketed: 1 − (−2,5), not 1 − −2,5.
        negative = text.startswith("−") and level > PRECEDENCE[ast.Compare]
        return f"({text})" if own < level or (negative and own == 9) else text

    def taken(self, node: ast.AST) -> ast.AST:
        """With values, a choice is shown as the branch it took (and is bracketed as that branch)."""
        while self.values is not None:
            if isinstance(node, ast.IfExp):
                test, yes, no = node.test, node.body, node.orelse
            elif isinstance(node, ast.Call) and node.func.id == "neu":
                test, yes, no = node.args
            else:
                break
            node = yes if _run(test, self.values) else no
        return node

    def choice(self, test: ast.AST, yes: ast.AST, no: ast.AST, percent: bool) -> str:
        return f"nếu {self.text(test)} thì {self.text(yes, percent)}, không thì {self.text(no, percent)}"
