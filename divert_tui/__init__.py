"""divert-tui: a terminal application for a police pre-arrest drug diversion service."""

__version__ = "0.1.0"
