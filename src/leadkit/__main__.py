"""``python -m leadkit``: the same as the ``leadkit`` command."""

from leadkit.cli import main

raise SystemExit(main())
