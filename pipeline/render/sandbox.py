"""The sandbox a template renders in: Jinja's SandboxedEnvironment (no Python reachable from a template),
StrictUndefined (a field the data lacks is an error, never a blank in a signed document), and bounds on
the work one render may do (repeats, widths, ranges, nesting, the length of what it makes).
"""

from __future__ import annotations

import re

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

MAX_TEXT = 2_000_000  # characters a template's expression may make (a repeat, a padding, a whole rendered part)
MAX_COUNT = 10_000  # a number that sizes something (a repeat count, a width, a range)
MAX_RANGE_TOTAL = 1_000_000  # items all `range` calls of one render may produce
FORBIDDEN_TAGS = ("include", "import", "from", "extends", "macro", "call")
_FORMAT_WIDTH = re.compile(r"\d{5,}")


class _Budget:
    range_items = 0
    depth = 0


def _sized(value) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _refuse(what: str):
    from jinja2.sandbox import SecurityError

    raise SecurityError(what)


# calls whose numbers size what they make (a width, a count of pieces): the only ones whose numbers are bounded,
# so that a figure from the data passed to any other filter or method (`"{:,}".format(dan_so)`) prints as usual
SIZING = frozenset(["center", "ljust", "rjust", "zfill", "expandtabs", "indent", "truncate", "wordwrap", "range",
                    "batch", "slice"])


def _check_args(name: str, args, kwargs) -> None:
    if name not in SIZING:
        return
    for arg in list(args) + list(kwargs.values()):
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_COUNT:
            _refuse(f"“{name}” với số {arg} quá lớn (tối đa {MAX_COUNT})")


class TemplateEnvironment(SandboxedEnvironment):
    """The sandbox with bounds: a repeat, a power, a padding or a format width that would exhaust the
    machine is refused (SecurityError) before it is computed; `range` is bounded per render; a rendered
    part longer than MAX_TEXT characters is refused. `*`, `**`, `%` are intercepted, so Jinja never folds
    them into a constant at compile time."""

    intercepted_binops = frozenset(["*", "**", "%", "+"])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.globals.pop("lipsum", None)  # a generator of any amount of text
        self.globals["range"] = self._range
        self.filters = {name: self._guarded(name, f) for name, f in self.filters.items()}

    @staticmethod
    def _guarded(name, f):
        import functools

        @functools.wraps(f)
        def guarded(*args, **kwargs):
            shown = [a for a in args if not hasattr(a, "environment") and not hasattr(a, "autoescape")]
            if name == "format" and shown and isinstance(shown[0], str) and _FORMAT_WIDTH.search(shown[0]):
                _refuse("bộ lọc “format” với độ rộng quá lớn")
            _check_args(name, shown[1:], kwargs)
            return f(*args, **kwargs)

        return guarded

    def _range(self, *args):
        r = range(*args)
        _Budget.range_items += len(r)
        if len(r) > MAX_COUNT or _Budget.range_items > MAX_RANGE_TOTAL:
            _refuse(f"“range” tạo quá nhiều phần tử (tối đa {MAX_RANGE_TOTAL} mỗi lần điền mẫu)")
        return r

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            count, seq = (right, left) if isinstance(right, int) else (left, right)
            if isinstance(count, int) and _sized(seq) * abs(count) > MAX_TEXT:
                _refuse(f"phép nhân lặp tạo giá trị quá dài (tối đa {MAX_TEXT} ký tự)")
            if isinstance(left, int) and isinstance(right, int) and max(abs(left), abs(right)).bit_length() > 4096:
                _refuse("phép nhân số quá lớn")
        elif operator == "**":
            if not (isinstance(right, (int, float)) and abs(right) <= 64) or (
                    isinstance(left, int) and left.bit_length() > 4096):
                _refuse("phép lũy thừa quá lớn (số mũ tối đa 64)")
        elif operator == "%" and isinstance(left, str) and _FORMAT_WIDTH.search(left):
            _refuse("định dạng “%” với độ rộng quá lớn")
        elif operator == "+" and _sized(left) + _sized(right) > MAX_TEXT:
            _refuse("phép nối tạo giá trị quá dài")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        inner = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        name = getattr(inner, "__name__", "hàm").lstrip("_")
        owner = getattr(inner, "__self__", None)
        if name in ("format", "format_map") and isinstance(owner, str) and _FORMAT_WIDTH.search(owner):
            _refuse("định dạng với độ rộng quá lớn")
        _check_args(name, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def concat(self, pieces) -> str:  # noqa: D102 - every render and every captured block ends here
        outer = _Budget.depth == 0
        if outer:
            _Budget.range_items = 0
        _Budget.depth += 1
        try:
            out, size = [], 0
            for piece in pieces:
                size += len(piece)
                if size > MAX_TEXT * 8:
                    _refuse("mẫu tạo ra văn bản quá dài khi điền")
                out.append(piece)
            return "".join(out)
        finally:
            _Budget.depth -= 1


def environment() -> SandboxedEnvironment:
    """Jinja for templates that travel by e-mail: no Python reachable (sandbox), bounded work, and a name
    or attribute the data does not have is an error, never a blank in a signed document."""
    return TemplateEnvironment(autoescape=True, undefined=StrictUndefined)
