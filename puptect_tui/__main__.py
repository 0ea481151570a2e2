"""Lets ``python -m puptect_tui`` run the same command as the console script."""

from puptect_tui.cli import main

raise SystemExit(main())
