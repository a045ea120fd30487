"""`python -m scanners`: see scanners/cli.py."""

import sys

from scanners.cli import main

if __name__ == "__main__":
    sys.exit(main())
