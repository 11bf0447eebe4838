"""The hotline between the mission and each party's liaison office (pure core).

`state` replays a message's transitions and makes new ones (delivered, read, acknowledged);
`escalation` finds the notices left unacknowledged too long. Nothing here reads a clock or a
store: the service (`ceasefire.api.routes.hotline`) and `ceasefire.monitoring.hotline` do.
"""
