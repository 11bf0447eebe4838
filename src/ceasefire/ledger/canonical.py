"""Canonical JSON (RFC 8785, JCS) for ledger entries.

A leaf of the ledger is the canonical serialisation of one record, so two
parties hashing the same record must produce the same bytes, in any language.
RFC 8785 gives exactly that: object members sorted by the UTF-16 code units of
their names, no insignificant whitespace, strings escaped only where JSON
requires it, numbers written as ECMAScript writes doubles, output in UTF-8.

What we refuse, with the JSON path of the offending value in the message:
non-string object keys, NaN and infinities, integers beyond ±(2**53 - 1) unless
written exactly as that double would be (a JCS number is a double; another
party's parser would silently round it), strings that are not valid Unicode
(lone surrogates), and any type that is not JSON (datetimes, bytes, sets,
...): convert those explicitly, e.g. datetimes to RFC 3339 strings, first.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ceasefire.domain.errors import InvalidInputError

MAX_SAFE_INTEGER = 2**53 - 1

_encode_string = json.encoder.encode_basestring


class CanonicalError(InvalidInputError):
    """A value cannot be serialised canonically; `path` is its JSON path, e.g. ``$.geo[1]``."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def canonical_json(value: Any) -> bytes:
    """RFC 8785 serialisation of a JSON-like Python value, as UTF-8 bytes."""
    parts: list[str] = []
    _write(value, "$", parts)
    text = "".join(parts)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalError("$", f"string is not valid Unicode ({exc.reason})") from None


def format_number(x: float) -> str:
    """ECMAScript Number::toString for a finite double (RFC 8785 §3.2.2.3).

    Python's repr already gives the shortest digits that round-trip, as
    ECMAScript does; only the layout (where the point and exponent go) differs.
    """
    if x == 0:
        return "0"
    sign, digit_tuple, exp = Decimal(repr(x)).as_tuple()
    assert isinstance(exp, int)
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    # value = 0.d1d2... x 10^n  with k digits
    k = len(digits)
    n = exp + len(digit_tuple)
    prefix = "-" if sign else ""
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        body = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return prefix + body


def _utf16_key(name: str) -> bytes:
    return name.encode("utf-16-be", "surrogatepass")


def _write(value: Any, path: str, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_encode_string(value))
    elif isinstance(value, int):
        text = str(int(value))
        # beyond 2**53 only the exact text of a double is portable (it is what a
        # large integral float serialises to, so re-parsed records stay valid)
        if abs(value) > MAX_SAFE_INTEGER and format_number(float(value)) != text:
            raise CanonicalError(
                path, f"integer {value} is beyond ±(2**53 - 1); store it as a string"
            )
        out.append(text)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise CanonicalError(path, f"{value} is not a JSON number")
        out.append(format_number(value))
    elif isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalError(path, f"object key {key!r} is not a string")
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if i:
                out.append(",")
            out.append(_encode_string(key))
            out.append(":")
            _write(value[key], f"{path}.{key}", out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, f"{path}[{i}]", out)
        out.append("]")
    else:
        raise CanonicalError(
            path, f"{type(value).__name__} is not JSON; convert it explicitly before appending"
        )
