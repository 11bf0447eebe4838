"""Monitoring: the stored observations fused into incidents, reviewed, attributed and timed.

`ceasefire.fusion` and `ceasefire.verify` decide (pure); this package reads what they need
from the store, hands it to them and writes back what they decided, one unit of work per call.
"""
