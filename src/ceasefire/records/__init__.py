"""The versioned byte formats of every record the system keeps: one place for the store, the
ledger, and later the API and the bus.

The evidence ledger commits to bytes, forever. If those bytes came from whatever the store's
serialiser happened to produce, a harmless refactor would change them and every record would
be logged again as a "new" one. So each kind of record has numbered schema versions here; a
version's encoder is frozen once released (golden tests pin its bytes), and a change of format
is a new version beside the old, never an edit. See docs/records.md.
"""

from ceasefire.records.envelope import (
    CURRENT_SCHEMA,
    EncodedRecord,
    Record,
    RecordFormatError,
    decode,
    encode,
    encode_many,
    ref_of,
)

__all__ = [
    "CURRENT_SCHEMA",
    "EncodedRecord",
    "Record",
    "RecordFormatError",
    "decode",
    "encode",
    "encode_many",
    "ref_of",
]
