"""Geometry that knows no treaty: projections, lines of contact, bands around lines."""
