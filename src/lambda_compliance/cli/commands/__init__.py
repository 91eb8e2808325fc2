"""Subcommands beyond ``scan``: each module registers itself with ``cli.command``."""
