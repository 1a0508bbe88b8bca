"""What `kaoping inputs` says of a scheme's constants: each one's type (or its value, when the
rules fix it), the groups whose rules read it, its description and article, and where it comes
from, so the office learns what its data's top-level "constants" must hold."""

from __future__ import annotations

from kaoping.compiler.model import Model
from kaoping.exact import show


def constant_lines(model: Model) -> list[str]:
    lines = []
    for decl in model.constants.values():
        readers = model.constant_readers.get(decl.name, frozenset())
        groups = [g.name for g in model.module.groups if g.name in readers]
        whom = (
            ", ".join(groups) + " (the groups whose rules read it)"
            if groups
            else "no group: no rule reads it"
        )
        if decl.value is not None:
            lines.append(f"{decl.name} = {show(decl.value)}  [{whom}]")
            lines.append("    fixed in the rules")
        else:
            lines.append(f"{decl.name}: {decl.type}  [{whom}]")
            lines.append(f"    {decl.description}")
            lines.append('    entered once per run, in the data\'s top-level "constants"')
            if groups:
                lines.append("    required when a unit of these groups is in the data")
        if decl.article:
            lines.append(f"    article: {decl.article}")
    return lines
