"""Write one chart's files into the site folder.

- `charts/<name>.html`: the standalone embed, one file that renders with no network (the
  Vega runtime, the spec, its data and the drill-down index are inlined);
- `embed/<name>.html`: the light page the site and iframes use, which loads the runtime
  shipped once in `assets/` and the chart from `data/<name>.js`, rewritten by every
  publish, so an embed keeps showing the latest numbers under the same URL;
- `charts/<name>.vl.json`, `.png` (2x) and `.svg`;
- `data/<name>.csv` and `.json`: the plotted data.

Crawled text reaches the pages escaped by the template engine or as JSON that cannot end
its <script> element, and reaches the chart only as data.
"""

from __future__ import annotations

import functools
import io
import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import altair as alt
import jinja2
import pandas as pd
from markupsafe import Markup

from marketspeak.corpus.runs import crash_point

ASSETS = ("chart.js", "site.css")


@dataclass
class ChartPage:
    """What a chart's pages say around the chart."""

    name: str
    title: str
    summary: str
    footer: str
    height: int
    period: str = "year"
    periods: list[str] = field(default_factory=list)
    table_columns: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    audit: str = "not audited"  # the hand-labelled precision of what the chart counts


@functools.cache
def templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("marketspeak.dashboards", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        keep_trailing_newline=True,
    )


@functools.cache
def vega_runtime() -> str:
    """Vega, Vega-Lite and vega-embed as one script (from vl-convert, so no CDN)."""
    import vl_convert

    return vl_convert.javascript_bundle()


def asset(name: str) -> str:
    return (resources.files("marketspeak.dashboards") / "assets" / name).read_text(encoding="utf-8")


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' survive literally."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def replace_file(path: Path, content: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`: a reader (an
    embed on someone's page during a scheduled publish) sees the old file or the new one,
    never half of one."""
    temporary = path.with_name(f".{path.name}.tmp")
    if isinstance(content, bytes):
        temporary.write_bytes(content)
    else:
        temporary.write_text(content, encoding="utf-8")
    os.replace(temporary, path)


def write_assets(out_dir: Path) -> list[Path]:
    """The files every embed page shares: the Vega runtime, chart.js and the stylesheet."""
    folder = out_dir / "assets"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "vega-runtime.js"]
    replace_file(paths[0], vega_runtime())
    for name in ASSETS:
        replace_file(folder / name, asset(name))
        paths.append(folder / name)
    return paths


def table_of(frame: pd.DataFrame, columns: dict[str, str], limit: int = 500) -> tuple[list, list]:
    """Header and formatted rows for a chart's data table (`columns`: field -> heading)."""
    rows = []
    for record in frame[list(columns)].head(limit).to_dict("records"):
        rows.append([_cell(record[c]) for c in columns])
    return list(columns.values()), rows


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:,.0f}"
    if isinstance(value, int | bool):
        return f"{value:,}" if not isinstance(value, bool) else ("yes" if value else "")
    return str(value)


def write_chart(
    chart: alt.TopLevelMixin,
    data: pd.DataFrame,
    out_dir: Path,
    page: ChartPage,
    documents: dict | None = None,
) -> list[Path]:
    """Write every file of one chart (see the module docstring); return their paths."""
    charts, embeds, datas = (out_dir / d for d in ("charts", "embed", "data"))
    for folder in (charts, embeds, datas):
        folder.mkdir(parents=True, exist_ok=True)
    spec = chart.to_dict()
    payload = script_json({"spec": spec, "documents": documents})
    name = page.name
    paths = {
        "html": charts / f"{name}.html",
        "vl.json": charts / f"{name}.vl.json",
        "png": charts / f"{name}.png",
        "svg": charts / f"{name}.svg",
        "embed": embeds / f"{name}.html",
        "js": datas / f"{name}.js",
        "csv": datas / f"{name}.csv",
        "json": datas / f"{name}.json",
    }
    png, svg = io.BytesIO(), io.StringIO()
    chart.save(png, format="png", scale_factor=2)
    chart.save(svg, format="svg")
    standalone = (
        templates()
        .get_template("standalone.html")
        .render(
            chart=page,
            css=Markup(asset("site.css")),
            runtime=Markup(vega_runtime()),
            payload=Markup(payload),
            script=Markup(asset("chart.js")),
        )
    )
    contents = {
        "vl.json": json.dumps(spec, indent=1, sort_keys=True, ensure_ascii=False),
        "png": png.getvalue(),
        "svg": svg.getvalue(),
        "csv": data.to_csv(index=False),
        "json": data.to_json(orient="records", date_format="iso", force_ascii=False),
        "js": f"window.MARKETSPEAK_CHART = {payload};\n",
        "embed": templates().get_template("embed.html").render(chart=page),
        "html": standalone,
    }
    for key, value in contents.items():
        replace_file(paths[key], value)
        crash_point("publish")  # after one file: the rest are the previous publish's
    page.files = [str(p.relative_to(out_dir)) for p in paths.values()]
    return list(paths.values())
