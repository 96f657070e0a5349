"""Settings, declared once: name, default, environment variable, help.

Precedence: command-line flag > environment variable > default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str

    def value(self, flag: str | Path | None = None) -> str:
        if flag is not None:
            return str(flag)
        return os.environ.get(self.env) or self.default


DB = Setting("db", "MARKETSPEAK_DB", "data/marketspeak.duckdb", "DuckDB file to write and read")
OUT = Setting("out", "MARKETSPEAK_OUT", "site", "folder the chart site is written to")
PREFECT_HOME = Setting(
    "prefect_home", "PREFECT_HOME", ".prefect", "Prefect's state folder (kept inside the project)"
)
PREFECT_API = Setting(
    "prefect_api_url",
    "PREFECT_API_URL",
    "",
    "a standing Prefect server's API (e.g. http://127.0.0.1:4200/api) that flow runs are"
    " recorded on; unset, each command starts Prefect's temporary server and stops it at exit",
)
CONTACT = Setting(
    "contact_url",
    "MARKETSPEAK_CONTACT_URL",
    "",
    "URL in the crawler's User-Agent where site owners can read about the crawl",
)
PARSER = Setting(
    "model",
    "MARKETSPEAK_PARSER_MODEL",
    "en_core_web_sm",
    "installed spaCy pipeline (package name or folder) with a dependency parser",
)
SITE_URL = Setting(
    "base_url",
    "MARKETSPEAK_SITE_URL",
    "",
    "address the site is published at, used in the embed snippets",
)
PARTITIONS = Setting(
    "partitions",
    "MARKETSPEAK_PARTITIONS",
    "",
    "folder for tokenising partitions, shared by every worker (default: beside the database)",
)


def user_agent() -> str | None:
    """The crawler's User-Agent with the configured contact URL, or None for the default."""
    contact = CONTACT.value()
    return f"marketspeak/0.1 (public-sector language research; +{contact})" if contact else None


# Prefect needs these before it is first imported.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def configure_prefect() -> None:
    """Point Prefect at a project-local home and quiet settings, unless already set.

    PREFECT_API_URL is left as it is: Prefect reads it on import, so a command run with it
    set records its flows on that server, and without it starts the temporary one."""
    os.environ.setdefault("PREFECT_HOME", str(Path(PREFECT_HOME.value()).resolve()))
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
