"""``python -m dxkg`` runs the command line."""

from dxkg.cli import main

main()
