"""Load YAML and remember which line each field came from, so errors can point at it."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import yaml

from bot.errors import CorridorError


class _AliasRefused(yaml.MarkedYAMLError):
    pass


class _NoAliases(yaml.SafeLoader):
    """A places file has no need of YAML's aliases (`*name`), and a few of them nested can make
    a kilobyte expand to gigabytes: they are refused before anything is built."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasRefused(
                problem="it uses a YAML alias (*name); write each site and place out in full",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


# libyaml's parser when PyYAML was built with it: the pure-Python one takes most of a
# 10,000-site import reading the file (bench/imports.py).
_FAST: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)


def _refuse_aliases(text: str, loader: type[yaml.CSafeLoader]) -> None:
    """The alias check on libyaml's event stream: linear in the file, nothing built."""
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise _AliasRefused(
                problem="it uses a YAML alias (*name); write each site and place out in full",
                problem_mark=cast(yaml.Mark, event.start_mark),
            )


def _compose_and_build(text: str) -> tuple[yaml.Node | None, object]:
    """The node tree (for line numbers) and the document built from that same tree, one parse."""
    if _FAST is None:
        root = yaml.compose(text, Loader=_NoAliases)
        return root, yaml.safe_load(text)  # safe to build now: composing refused every alias
    _refuse_aliases(text, _FAST)
    loader = _FAST(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def load_with_lines(text: str, filename: str) -> tuple[object, Callable[[str], int | None]]:
    try:
        root, document = _compose_and_build(text)
    except _AliasRefused as problem:
        where = _where(problem)
        raise CorridorError(f"{filename} {where}: {problem.problem}; nothing was imported.") from None
    except yaml.YAMLError as problem:
        raise CorridorError(
            f"{filename} {_where(problem)}: this is not laid out as YAML expects (check the indentation "
            "and that a colon follows each name, as in the README's example); nothing was imported."
        ) from None
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


def _where(problem: yaml.YAMLError) -> str:
    mark = getattr(problem, "problem_mark", None)
    return f"line {mark.line + 1}" if mark else "somewhere"
