"""One loader for the SQL files that ship inside our packages.

`analysis/sql/*.sql`, `corpus/schema.sql` and `corpus/migrations/*.sql` are package data, read
through importlib.resources so they load from a wheel as well as a checkout. They do not change
while a process runs, so each is read once.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_sql(package: str, name: str) -> str:
    """The text of `name` (a path with `/` separators) inside `package`, e.g.
    `load_sql("marketspeak.analysis", "sql/kwic.sql")`."""
    return resources.files(package).joinpath(*name.split("/")).read_text(encoding="utf-8")
