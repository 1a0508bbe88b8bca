"""Where `-o` and `--junitxml` write: a new file, an existing one, a folder, a missing folder,
the data file itself, the rules file, symlinks to an input or to another file, a dangling
symlink, a `.tmp` name already taken by a folder or by a symlink to another file, a trailing
slash, a name too long. The command either writes the whole result there (the same text it
prints) or fails with a message naming the path, and no input or bystander file changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from fuzz.case import OK_OR_DATA, REJECTED, USAGE, Case, Command
from fuzz.shipped import by_id

Draw = Callable[[st.SearchStrategy[Any]], Any]

OLD = b"last year's report, keep me\n"
VICTIM = b"a file nobody asked kaoping to write\n"

# target kind: (the -o path, files, symlinks, folders, is the target an input)
TARGETS: dict[str, tuple[str, dict[str, bytes], dict[str, str], tuple[str, ...], bool]] = {
    "new file": ("out.txt", {}, {}, (), False),
    "existing file": ("out.txt", {"out.txt": OLD}, {}, (), False),
    "folder": ("out", {}, {}, ("out",), False),
    "missing folder": ("nowhere/out.txt", {}, {}, (), False),
    "the data file": ("data.json", {}, {}, (), True),
    "the rules file": ("rules/scheme.rules", {}, {}, (), True),
    "the history file": ("history.json", {}, {}, (), True),
    "symlink to the data": ("link.txt", {}, {"link.txt": "data.json"}, (), True),
    "symlink to a bystander": ("link.txt", {}, {"link.txt": "victim.txt"}, (), False),
    "dangling symlink": ("link.txt", {}, {"link.txt": "missing.txt"}, (), False),
    ".tmp taken by a folder": ("out.txt", {}, {}, ("out.txt.tmp",), False),
    ".tmp is a symlink to a bystander": ("out.txt", {}, {"out.txt.tmp": "victim.txt"}, (), False),
    "trailing slash": ("out.txt/", {}, {}, (), False),
    "name too long": ("x" * 300 + ".txt", {}, {}, (), False),
    "current folder": (".", {}, {}, (), False),
    "empty": ("", {}, {}, (), False),
}


@st.composite
def output_cases(draw: Draw) -> Case:
    kind = draw(st.sampled_from(sorted(TARGETS)))
    target, files, links, dirs, is_input = TARGETS[kind]
    scheme = by_id("example-en")
    good = draw(st.integers(0, 3)) < 3  # good data, now and then bad (the shrinker heads for good)
    data = scheme.sample_text.encode() if good else b'{"units": 1}'
    fmt = draw(st.sampled_from([(), ("--format", "json")]))
    base = {
        "data.json": data,
        "rules/scheme.rules": scheme.rules["scheme.rules"].encode(),
        "history.json": scheme.results_json.encode(),
        "victim.txt": VICTIM,
        **files,
    }
    run = ("score", "rules/scheme.rules", "data.json", "--history", "history.json", *fmt)
    junit = draw(st.integers(0, 4)) == 4
    empty = target == ""  # a script's unset "$OUT": a usage error, not stdout
    if junit:  # `kaoping test` reads none of the case's files: any of them may be its target
        is_input = False
        commands = [
            Command(
                ("test", "example-en", "--junitxml", target),
                USAGE if empty else OK_OR_DATA,
                "test",
                output=target,
            )
        ]
    else:
        commands = [
            Command(run, OK_OR_DATA, "score", json_out=bool(fmt)),
            Command(
                (*run, "-o", target),
                USAGE if empty else REJECTED if is_input or not good else OK_OR_DATA,
                "score",
                output=target,
                same_as=0,
            ),
        ]
    # every file but the one written (through its symlink) must stay as it was; an input
    # must stay as it was even when named as the target
    written = links.get(target, target)
    protected = tuple(p for p in base if p != written or is_input)
    return Case(
        "output path",
        base,
        commands,
        note=f"-o {kind}" if not junit else f"--junitxml {kind}",
        symlinks=dict(links),
        dirs=dirs,
        inputs=protected,
        rules=("rules/scheme.rules",),
        numeric_facts=scheme.numeric,
        originals={
            "rules/scheme.rules": scheme.rules["scheme.rules"],
            "history.json": scheme.results_json,
            **({"data.json": scheme.sample_text} if good else {}),
        },
    )
