"""Command groups of the `claimtrail` CLI, one module each; `annotate.cli` registers them."""
