"""The exit codes of every `marketspeak` command, in one place (the README lists them).

A scheduler can act on them: 0 done; 1 failed; 2 bad input; 3 locked; 4 a source failed.
"""

from __future__ import annotations

EXIT_OK = 0  # what every command returns when it did its job
EXIT_FAILED = 1  # the command could not do its job (see the message)
EXIT_USAGE = 2  # bad input: a sources or lexicon file, a flag
EXIT_LOCKED = 3  # another run holds the database's lock
EXIT_SOURCE_FAILED = 4  # the run finished, but at least one source failed (see the summary)

# Named cases of the codes above.
EXIT_NO_PARSER = EXIT_FAILED  # agency without an installed parser model
EXIT_BAD_LABELS = EXIT_USAGE  # a labelled file that cannot be stored (one line names file and line)
