"""Whole columns of the `fuse --input` CSV converted at once: the fast path for common rows.

`fuse_csv._parse` reads one row and says exactly what is wrong with it; calling it a million
times costs seconds (two `datetime.fromisoformat` per row). These functions convert a column
of strings in bulk and return, next to the values, a mask of the rows they could not convert
*in exactly the way `_parse` would*. Those rows go through `_parse` one at a time, so a bad
row gets the same message and an unusual but valid one (a time with a space for the `T`, a
fraction of a second, a number with an underscore) the same value as before: the fast path
only ever agrees with the slow one or declines.

Times on the fast path have the form ``YYYY-MM-DDTHH:MM:SS`` followed by ``Z`` or
``+hh:mm`` / ``-hh:mm`` (what feeds and our own exports write), years 1000-9998 (so no offset
can carry a time outside what `datetime` holds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import repeat

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18)
_SEPARATORS = ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"))
_SHORT, _LONG = 20, 25  # "...SSZ" and "...SS+hh:mm"


def _number(codes: NDArray[np.uint8], first: int, last: int) -> NDArray[np.int64]:
    """The decimal number written by the digit characters at positions first..last."""
    out = np.zeros(len(codes), dtype=np.int64)
    for k in range(first, last + 1):
        out = out * 10 + (codes[:, k].astype(np.int64) - ord("0"))
    return out


def _days_from_civil(
    year: NDArray[np.int64], month: NDArray[np.int64], day: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Days since 1970-01-01 of proleptic Gregorian dates (valid ones), in integers."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return np.asarray(era * 146_097 + doe - 719_468)


def _month_lengths(year: NDArray[np.int64], month: NDArray[np.int64]) -> NDArray[np.int64]:
    lengths = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    out = lengths[np.clip(month, 1, 12) - 1]
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return np.asarray(out + ((month == 2) & leap))


def iso_seconds(texts: Sequence[str]) -> tuple[FloatArray, BoolArray]:
    """(seconds since the Unix epoch, declined) for ISO 8601 times with an offset.

    A value is what ``datetime.fromisoformat(text).timestamp()`` gives; rows not in the fast
    form (module docstring), or not a valid date and time, are declined (their value is 0).
    """
    n = len(texts)
    try:
        chars = np.array(texts, dtype=np.bytes_)  # one byte a character; ASCII only
    except UnicodeEncodeError:
        return np.zeros(n, dtype=np.float64), np.ones(n, dtype=np.bool_)
    width = chars.dtype.itemsize
    if n == 0 or width < _SHORT:
        return np.zeros(n, dtype=np.float64), np.ones(n, dtype=np.bool_)
    raw = chars.view(np.uint8).reshape(n, width)
    codes = np.zeros((n, _LONG + 1), dtype=np.uint8)
    shown = min(width, _LONG + 1)
    codes[:, :shown] = raw[:, :shown]
    ok = np.ones(n, dtype=np.bool_)
    if width > _LONG + 1:
        ok &= ~raw[:, _LONG + 1 :].any(axis=1)

    def digit(k: int) -> NDArray[np.bool_]:
        return np.asarray((codes[:, k] - ord("0")) < 10)  # uint8: below "0" wraps to >= 10

    for k in _DIGITS:
        ok &= digit(k)
    for k, sep in _SEPARATORS:
        ok &= codes[:, k] == ord(sep)
    short = (codes[:, 19] == ord("Z")) & (codes[:, _SHORT] == 0)
    sign = codes[:, 19]
    long_ = ((sign == ord("+")) | (sign == ord("-"))) & (codes[:, 22] == ord(":"))
    for k in (20, 21, 23, 24):
        long_ &= digit(k)
    long_ &= codes[:, _LONG] == 0
    ok &= short | long_

    year, month, day = _number(codes, 0, 3), _number(codes, 5, 6), _number(codes, 8, 9)
    hour, minute, second = _number(codes, 11, 12), _number(codes, 14, 15), _number(codes, 17, 18)
    off_h, off_m = _number(codes, 20, 21), _number(codes, 23, 24)
    ok &= (year >= 1000) & (year <= 9998) & (month >= 1) & (month <= 12) & (day >= 1)
    ok &= day <= _month_lengths(year, month)
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
    ok &= short | ((off_h <= 23) & (off_m <= 59))

    offset = np.where(long_, (off_h * 3_600 + off_m * 60) * np.where(sign == ord("-"), -1, 1), 0)
    days = _days_from_civil(np.where(ok, year, 1970), np.where(ok, month, 1), day)
    seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset
    return np.where(ok, seconds, 0).astype(np.float64), ~ok


def floats(texts: Sequence[str], low: float, high: float) -> tuple[FloatArray, BoolArray]:
    """(values, declined): ``float(text)`` where it is finite and within [low, high]."""
    try:
        values = np.fromiter(map(float, texts), dtype=np.float64, count=len(texts))
    except ValueError:
        values = np.fromiter(map(_float_or_nan, texts), dtype=np.float64, count=len(texts))
    ok = np.isfinite(values) & (values >= low) & (values <= high)
    return np.where(ok, values, 0.0), ~ok


def _float_or_nan(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def category_codes(
    texts: Sequence[str], known: Mapping[str, int]
) -> tuple[NDArray[np.int8], BoolArray]:
    """(code, declined) of each stripped text in `known`."""
    found = np.fromiter(
        map(known.get, map(str.strip, texts), repeat(-1)), dtype=np.int64, count=len(texts)
    )
    bad = found < 0
    return np.where(bad, 0, found).astype(np.int8), bad
