"""The input model's type at a field's path, as the form and the partial verdicts need it (Annotated and
Optional removed, list items and the indicator and criterion codes matched by shape)."""

from __future__ import annotations

import functools
import types
import typing
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from pipeline.sources.model import DossierInput


def _unwrap(t) -> tuple[Any, bool]:
    """(inner type, may be None) with Annotated and Optional removed."""
    nullable = False
    while True:
        origin = get_origin(t)
        if origin is typing.Annotated:
            t = get_args(t)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in get_args(t) if a is not type(None)]
            nullable = nullable or len(args) < len(get_args(t))
            t = args[0] if len(args) == 1 else t
            if len(args) != 1:
                return t, nullable
        else:
            return t, nullable


def _shape(path: tuple) -> tuple:
    return tuple(0 if isinstance(p, int) else "*" if i and path[i - 1] in ("indicators", "criteria") and i == 1 else p
                 for i, p in enumerate(path))


def type_at(path: tuple) -> tuple[Any, bool]:
    """(the model's type at `path`, Annotated and Optional removed; required); (None, False) for no such field."""
    return _type(_shape(path))


@functools.lru_cache(maxsize=4096)
def _type(path: tuple) -> tuple[Any, bool]:
    t: Any = DossierInput
    required = True
    for part in path:
        t, _ = _unwrap(t)
        origin = get_origin(t)
        if isinstance(part, int):
            if origin is not list:
                return None, False
            t, required = get_args(t)[0], True
        elif origin is dict:
            t, required = get_args(t)[1], True
        elif isinstance(t, type) and issubclass(t, BaseModel):
            info = t.model_fields.get(part)
            if info is None:
                return None, False
            t, required = info.annotation, info.is_required()
        else:
            return None, False
    return _unwrap(t)[0], required
