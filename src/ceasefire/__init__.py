"""ceasefire: monitor and verify a ceasefire; deconflict the forces that secure it."""

__version__ = "0.1.0"
