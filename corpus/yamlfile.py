"""Load YAML configuration files while remembering the line of every key and list item.

Sources and lexicons are data that people edit by hand, so a validation error must say
which file and line to fix. `load_yaml` returns plain dicts and lists whose subclasses carry
a `lines` map; `ConfigError` formats "file:line: message" as one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class ConfigError(ValueError):
    """A configuration file is malformed or has an invalid value."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


class LinedDict(dict):
    """A mapping from YAML; `lines[key]` is the 1-based line where the key stands."""

    lines: dict[Any, int]
    line: int


class LinedList(list):
    """A sequence from YAML; `lines[i]` is the 1-based line of item i."""

    lines: list[int]
    line: int


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LinedDict:
        mapping = LinedDict()
        mapping.lines = {}
        mapping.line = node.start_mark.line + 1
        # Merge keys (`<<: *anchor`) put the anchor's pairs first; this mapping's own keys
        # may override those, but not repeat each other.
        own = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
        self.flatten_mapping(node)
        inherited = len(node.value) - own
        own_keys: set = set()
        for index, (key_node, value_node) in enumerate(node.value):
            key = self.construct_object(key_node, deep=True)
            if index >= inherited:
                if key in own_keys:
                    line = key_node.start_mark.line + 1
                    raise ConfigError(self.name, line, f"duplicate key {key!r}")
                own_keys.add(key)
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LinedList:
        items = LinedList(self.construct_object(child, deep=True) for child in node.value)
        items.lines = [child.start_mark.line + 1 for child in node.value]
        items.line = node.start_mark.line + 1
        return items

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            # `2018-02-30` has a date's shape but names no day: kept as written, so the
            # key's own rule reports it with its line instead of a traceback.
            return self.construct_scalar(node)


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)
_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_sequence
)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)


def load_yaml(path: Path | str) -> Any:
    """Parse a YAML file; raise ConfigError naming the file and line on any syntax error."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, "is not UTF-8 text") from exc
    loader = _LineLoader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except ConfigError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(path, line, f"invalid YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(path, None, f"invalid YAML: {exc}") from exc
    finally:
        loader.dispose()


def line_of(container: Any, key: Any = None) -> int | None:
    """The line of `key` inside `container` (or of the container itself), if known."""
    lines = getattr(container, "lines", None)
    if key is not None and lines is not None:
        try:
            return lines[key]
        except (KeyError, IndexError, TypeError):
            pass
    return getattr(container, "line", None)
