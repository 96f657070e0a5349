"""The offline HTML page for labelling an audit sample (analysis/audit.py) in a browser."""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from marketspeak.analysis.audit import COLUMNS
from marketspeak.dashboards.files import script_json, templates


def label_page(frame: pd.DataFrame, csv_name: str = "audit-labelled.csv", sampled: str = "") -> str:
    """A self-contained HTML page for labelling the sample in a browser: one key per label,
    keys to move, a button that saves the labelled CSV (the sample's columns) as a download.
    No network: a Content-Security-Policy allows only the page's own inline script and
    style. Crawled text reaches it escaped by the template engine, or as JSON that cannot
    end its <script> element, and the script writes it only as text."""
    records = frame[COLUMNS].to_dict("records")
    for record in records:
        record["counted"] = bool(record["counted"])
        record["label"] = record.get("label") or ""
    return (
        templates()
        .get_template("audit_label.html")
        .render(
            rows=records,
            sampled=sampled or f"{len(records)} hits",
            payload=Markup(script_json(records)),
            columns=Markup(script_json(COLUMNS)),
            filename=Markup(script_json(csv_name)),
        )
    )
