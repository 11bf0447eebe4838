"""The multi-party HTTP service (issue 11): FastAPI over the store, the workflow and the clocks.

Parties that distrust each other call one service; each sees and does exactly what its role
allows (default deny), every error is an RFC 9457 problem, and every read of restricted data or
change of state is appended to the evidence ledger as an audit entry. docs/service.md has the
routes, the roles and the settings. `create_app` builds the application; nothing here opens a
socket except `ceasefire.api.server`.
"""
