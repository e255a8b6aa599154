"""Subcommands of the divert command line, grouped by topic."""
