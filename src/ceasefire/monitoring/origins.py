"""Which original report a stored observation republishes: the key corroboration counts by.

Two feeds that republish the same original post are one source, not two. The bundled
Bellingcat list and the CIR map are exactly such feeds: both are compiled by the same
researchers from posts on social media, and a Bellingcat row's `sources` often holds the very
URL a CIR row gives as its `link` or `geolocation`. So the origin of a geolocated incident
report is the set of URLs it cites, normalised so that trivial spellings of one URL match.

A row that cites nothing has only its dataset to go by: all such rows of one dataset count as
one source (a dataset is one organisation's coding, and the data cannot say more). UCDP cites
news articles by outlet and headline, not by URL, so each UCDP row's origin is the dataset.
An Air Force bulletin row's origin is the post it was read from, so two rows of one bulletin
are one source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from ceasefire.domain import Observation

#: Hosts that serve the same posts under another name.
_HOST_ALIASES = {
    "x.com": "twitter.com",
    "mobile.twitter.com": "twitter.com",
    "m.facebook.com": "facebook.com",
    "web.facebook.com": "facebook.com",
    "t.me": "t.me",
}
_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def normalise_url(url: str) -> str | None:
    """One spelling per post: scheme and ``www.`` dropped, host aliases folded, fragment and
    trailing slash dropped, and tracking queries of Twitter dropped (its status id is in the
    path); None when the text is not a URL."""
    text = url.strip().strip("\"'<>(),;")
    if not _URL.fullmatch(text):
        return None
    parts = urlsplit(text)
    host = parts.netloc.lower().removeprefix("www.")
    host = _HOST_ALIASES.get(host, host)
    path = parts.path.rstrip("/")
    query = "" if host == "twitter.com" else parts.query
    return f"{host}{path}" + (f"?{query}" if query else "")


def urls_in(values: Iterable[object]) -> frozenset[str]:
    """Every URL in the given raw field values (strings, or lists of them)."""
    found: set[str] = set()
    for value in values:
        texts = value if isinstance(value, list | tuple) else [value]
        for text in texts:
            if not isinstance(text, str):
                continue
            for match in _URL.findall(text):
                normal = normalise_url(match)
                if normal is not None:
                    found.add(normal)
    return frozenset(found)


def origin_keys(observation: Observation) -> frozenset[str]:
    """The keys two observations must share to be one source (see the module's reasons)."""
    extras = observation.extras
    if observation.source == "bellingcat":
        urls = urls_in([extras.get("sources")])
    elif observation.source == "cir":
        urls = urls_in([extras.get("link"), extras.get("geolocation")])
    elif observation.source == "airforce":
        post = extras.get("source")
        return frozenset({f"post:{post}" if post else f"dataset:{observation.source}"})
    else:
        urls = frozenset()
    if urls:
        return frozenset(f"url:{u}" for u in urls)
    return frozenset({f"dataset:{observation.source}"})
