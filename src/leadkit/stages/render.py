"""Pictures of a pipeline: Mermaid state diagrams and Graphviz DOT."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadkit.stages.pipeline import Pipeline

__all__ = ["to_dot", "to_mermaid"]

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def _ids(pipeline: Pipeline) -> dict[str, str]:
    """A safe diagram id for every stage: its name when plain, else ``s<index>``."""
    return {s.name: s.name if _PLAIN.match(s.name) else f"s{i}" for i, s in enumerate(pipeline.stages)}


def _label(text: str) -> str:
    return text.replace('"', "'").replace(":", " ").replace(";", ",").replace("\n", " ")


def to_mermaid(pipeline: Pipeline) -> str:
    """The pipeline as a Mermaid ``stateDiagram-v2``: one arrow per move, labelled with its name.

    Terminal stages lead to the end marker; stages are styled by owner.

    Examples:
        >>> from leadkit import default_pipeline
        >>> print(default_pipeline().to_mermaid().splitlines()[2])
            [*] --> inquiry
    """
    ids = _ids(pipeline)
    lines = ["stateDiagram-v2", "    direction LR", f"    [*] --> {ids[pipeline.initial]}"]
    lines += [f'    state "{_label(s.name)}" as {ids[s.name]}' for s in pipeline.stages if ids[s.name] != s.name]
    for transition in pipeline.transitions:
        label = transition.name + (" *" if transition.guards else "")
        lines += [f"    {ids[s]} --> {ids[transition.target]}: {_label(label)}" for s in transition.sources]
    lines += [f"    {ids[s.name]} --> [*]" for s in pipeline.stages if s.terminal]
    owners: dict[str, list[str]] = {}
    for stage in pipeline.stages:
        if stage.owner is not None:
            owners.setdefault(stage.owner, []).append(ids[stage.name])
    for i, (owner, members) in enumerate(owners.items()):
        css = re.sub(r"\W", "_", owner)
        lines.append(f"    classDef {css} fill:{_FILLS[i % len(_FILLS)]}")
        lines.append(f"    class {','.join(members)} {css}")
    return "\n".join(lines) + "\n"


_FILLS = ("#e3f2fd", "#fff3e0", "#e8f5e9", "#f3e5f5")


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(pipeline: Pipeline) -> str:
    """The pipeline as a Graphviz digraph; terminal stages are double circles, guarded moves dashed.

    Examples:
        >>> from leadkit import default_pipeline
        >>> default_pipeline().to_dot().splitlines()[0]
        'digraph "default" {'
    """
    lines = [f"digraph {_dot_quote(pipeline.name)} {{", "    rankdir=LR;", "    node [shape=box, style=rounded];"]
    lines.append(f"    __start [shape=point, label={_dot_quote('')}];")
    lines.append(f"    __start -> {_dot_quote(pipeline.initial)};")
    for stage in pipeline.stages:
        attrs = [f"label={_dot_quote(stage.name)}"]
        if stage.terminal:
            attrs.append("shape=doublecircle")
        if stage.owner is not None:
            attrs.append(f"tooltip={_dot_quote(stage.owner)}")
        lines.append(f"    {_dot_quote(stage.name)} [{', '.join(attrs)}];")
    for transition in pipeline.transitions:
        style = ", style=dashed" if transition.guards else ""
        lines += [
            f"    {_dot_quote(s)} -> {_dot_quote(transition.target)} [label={_dot_quote(transition.name)}{style}];"
            for s in transition.sources
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"
