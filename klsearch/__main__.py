"""``python -m klsearch`` runs the command line."""

from .cli import main

main()
