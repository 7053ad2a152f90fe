"""Load YAML and remember which line each field came from, so errors can point at it."""

from __future__ import annotations

from collections.abc import Callable

import yaml

from bot.errors import CorridorError


def load_with_lines(text: str, filename: str) -> tuple[object, Callable[[str], int | None]]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        reason = getattr(problem, "problem", None) or "it is not valid YAML"
        raise CorridorError(f"{filename} {where}: {reason}; nothing was imported.") from None
    lines: dict[str, int] = {}
    if root is not None:
        _walk(root, "", lines)
    return document, lines.get


def _walk(node: yaml.Node, path: str, lines: dict[str, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = f"{path}.{key.value}" if path else str(key.value)
            lines[child] = key.start_mark.line + 1
            _walk(value, child, lines)
            lines[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, f"{path}[{index}]", lines)
