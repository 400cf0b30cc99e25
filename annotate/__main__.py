"""`python -m annotate`: the core CLI without the web server commands."""

from annotate.cli import main

main()
