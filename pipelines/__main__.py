"""`python -m marketspeak.pipelines` runs the marketspeak command."""

import sys

from marketspeak.pipelines.cli import main

sys.exit(main())
