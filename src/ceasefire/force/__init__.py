"""The multinational force: registry (nations, commands, units, command relationships over
time), mandates as data, checks of operations and own-asset tracks against them, and
commitments by nation (docs/force.md).

Pure but for `loader.py`, which reads the YAML files at the edge.
"""
