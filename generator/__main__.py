"""`python -m generator` is the `digest` command."""
import sys

from .cli import main

sys.exit(main())
