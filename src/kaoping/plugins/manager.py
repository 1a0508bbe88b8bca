"""Discovering plugins. Entry points of the group `kaoping` are loaded one by one: a plugin
that fails to import, or that claims a scheme id another plugin has, is reported by name and
left out, and every other scheme keeps working."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

import pluggy

from kaoping.compiler.load import RuleFunction
from kaoping.errors import PluginError, UnknownScheme
from kaoping.plugins import hookspecs
from kaoping.plugins.hookspecs import SchemeInfo

GROUP = "kaoping"


class Registry:
    """The installed schemes, and the problems found while loading plugins."""

    def __init__(self, load_entry_points: bool = True, plugins: Iterable[tuple[str, Any]] = ()):
        self.pm = pluggy.PluginManager(GROUP)
        self.pm.add_hookspecs(hookspecs)
        self.problems: list[str] = []
        self.schemes: dict[str, SchemeInfo] = {}
        self.owner: dict[str, str] = {}
        self.conflicts: dict[str, list[str]] = {}
        if load_entry_points:
            for ep in sorted(importlib.metadata.entry_points(group=GROUP), key=lambda e: e.name):
                try:
                    obj = ep.load()
                except Exception as err:
                    self.problems.append(
                        f"plugin {ep.name!r} ({ep.value}) failed to load: "
                        f"{type(err).__name__}: {err}"
                    )
                    continue
                self.add(ep.name, obj)
        for name, obj in plugins:
            self.add(name, obj)

    def add(self, name: str, plugin: Any) -> None:
        try:
            self.pm.register(plugin, name=name)
            infos = list(plugin.kaoping_schemes()) if hasattr(plugin, "kaoping_schemes") else []
            if not all(isinstance(info, SchemeInfo) for info in infos):
                raise TypeError("kaoping_schemes() must return a list of SchemeInfo")
        except Exception as err:
            self.problems.append(f"plugin {name!r} failed to register: {type(err).__name__}: {err}")
            # left registered, a broken plugin would still be asked for rule functions
            if self.pm.get_plugin(name) is plugin:
                self.pm.unregister(plugin, name=name)
            return
        for info in infos:
            if info.id in self.schemes or info.id in self.conflicts:
                claimants = self.conflicts.setdefault(info.id, [self.owner.pop(info.id, "")])
                claimants.append(name)
                self.schemes.pop(info.id, None)
                self.problems.append(
                    f"scheme id {info.id!r} is claimed by plugins "
                    f"{', '.join(repr(c) for c in claimants if c)}; "
                    "it is left out until one of them is removed"
                )
            else:
                self.schemes[info.id] = info
                self.owner[info.id] = name

    def _plugin(self, scheme_id: str) -> Any:
        if scheme_id in self.conflicts:
            raise PluginError(
                f"scheme id {scheme_id!r} is claimed by several plugins: "
                + ", ".join(self.conflicts[scheme_id])
            )
        if scheme_id not in self.schemes:
            known = ", ".join(sorted(self.schemes)) or "none"
            raise UnknownScheme(f"no installed scheme {scheme_id!r} (installed: {known})")
        return self.pm.get_plugin(self.owner[scheme_id])

    def rules(self, scheme_id: str) -> list[Path]:
        plugin = self._plugin(scheme_id)
        files = plugin.kaoping_scheme_rules(scheme_id=scheme_id)
        if not files:
            raise PluginError(
                f"plugin {self.owner[scheme_id]!r} gives no rules files for {scheme_id!r}"
            )
        return list(files)

    def cases(self, scheme_id: str) -> list[Path]:
        plugin = self._plugin(scheme_id)
        impl = getattr(plugin, "kaoping_scheme_cases", None)
        return list(impl(scheme_id=scheme_id) or []) if impl else []

    def sample(self, scheme_id: str) -> Path | None:
        plugin = self._plugin(scheme_id)
        impl = getattr(plugin, "kaoping_scheme_sample", None)
        result: Path | None = impl(scheme_id=scheme_id) if impl else None
        return result

    def functions(self) -> dict[str, RuleFunction]:
        out: dict[str, RuleFunction] = {}
        by: dict[str, str] = {}
        # each plugin separately: one plugin failing here must not break every scheme's compile
        for impl in reversed(self.pm.hook.kaoping_rule_functions.get_hookimpls()):
            try:
                batch = list(cast("Iterable[RuleFunction]", impl.function()))
            except Exception as err:
                self._problem(
                    f"plugin {impl.plugin_name!r} failed to give rule functions: "
                    f"{type(err).__name__}: {err}"
                )
                continue
            for fn in batch:
                if fn.name in out:
                    self._problem(
                        f"rule function {fn.name!r} is contributed twice "
                        f"(plugins {by[fn.name]!r} and {impl.plugin_name!r}); "
                        f"{impl.plugin_name!r}'s is used"
                    )
                out[fn.name] = fn
                by[fn.name] = impl.plugin_name
        return out

    def _problem(self, message: str) -> None:
        if message not in self.problems:  # functions() runs once per compile
            self.problems.append(message)


_DEFAULT: Registry | None = None


def default_registry() -> Registry:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Registry()
    return _DEFAULT
