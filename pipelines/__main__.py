"""`python -m pipelines` runs the marketspeak command."""

import sys

from pipelines.cli import main

sys.exit(main())
