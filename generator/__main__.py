"""`python -m generator` is the `digest` command."""
import sys

from .cli import main

if __name__ == "__main__":      # not again in the build's worker processes
    sys.exit(main())
