"""argparse in Vietnamese: its own words (usage, options, errors) translated, so that `--help` and
every misuse message speak one language. argparse looks its messages up through gettext's `_` at
call time; `install()` points that at the table below."""

from __future__ import annotations

import argparse

MESSAGES = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "unrecognized arguments: %s": "không hiểu tham số: %s",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn không hợp lệ: %(value)r (chọn một trong: %(choices)s)",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn không rõ: %(option)s có thể là %(matches)s",
    "not allowed with argument %s": "không dùng cùng tham số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "unexpected option string: %s": "tùy chọn không mong đợi: %s",
    "can't open '%(filename)s': %(error)s": "không mở được '%(filename)s': %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "không có lệnh %(parser_name)r (có: %(choices)s)",
}
TYPES = {"int": "số nguyên"}


def _(message: str) -> str:
    return MESSAGES.get(message, message)


def _n(singular: str, plural: str, n: int) -> str:
    return _("expected one argument") if n == 1 else f"cần {n} giá trị"


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that names types in Vietnamese and keeps its words in Vietnamese."""

    def _get_value(self, action, arg_string):
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as exc:
            name = getattr(action.type, "__name__", "")
            if name in TYPES:
                raise argparse.ArgumentError(action, f"giá trị {TYPES[name]} không hợp lệ: {arg_string!r}") from None
            raise exc


def install() -> None:
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = _n  # type: ignore[attr-defined]


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' line breaks in descriptions and epilogs."""
