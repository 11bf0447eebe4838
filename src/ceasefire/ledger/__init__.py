"""The evidence ledger: an RFC 9162 Merkle log with C2SP signed checkpoints and witnesses.

Pure core: it reaches storage only through the `storage.LedgerStorage` protocol.
"""
