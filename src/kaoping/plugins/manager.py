"""Discovering plugins. Entry points of the group `kaoping` are loaded one by one, and every
hook a plugin implements is called through `_call`, which catches whatever the plugin's code
does (an exception, `sys.exit()`, a `KeyboardInterrupt` that is not the user's Ctrl-C; see
`isolation`) and checks the result against the hookspec (see `validate`). A plugin that fails
to import, fails in `kaoping_schemes` or `kaoping_rule_functions`, or returns the wrong thing
there is set aside: reported by name, none of its schemes or functions used. A plugin failing in
a per-scheme hook (rules, cases, sample) is an error for that scheme only. Every other scheme
keeps working. A plugin set aside is remembered by its entry point's name (and its scheme ids,
when it gave them), so that asking for its scheme says what happened to the plugin, and
`check` and `test` of every installed scheme count it as failed rather than skip it."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pluggy

from kaoping.compiler.load import RuleFunction
from kaoping.errors import PluginError, UnknownScheme
from kaoping.plugins import hookspecs, validate
from kaoping.plugins.hookspecs import SchemeInfo
from kaoping.plugins.isolation import describe_failure, is_users_interrupt, watch_interrupts

GROUP = "kaoping"
T = TypeVar("T")


class PluginFailed(Exception):
    """A hook failed or returned the wrong thing; the message names the plugin and the hook."""


class Registry:
    """The installed schemes, and the problems found while loading plugins."""

    def __init__(self, load_entry_points: bool = True, plugins: Iterable[tuple[str, Any]] = ()):
        self.pm = pluggy.PluginManager(GROUP)
        self.pm.add_hookspecs(hookspecs)
        self.problems: list[str] = []
        self.schemes: dict[str, SchemeInfo] = {}
        self.owner: dict[str, str] = {}
        self.conflicts: dict[str, list[str]] = {}
        self.labels: dict[str, str] = {}  # plugin name -> how messages name it
        # a name a user may ask for (entry point name, scheme id) -> why its plugin is set aside
        self.failed: dict[str, str] = {}
        self._functions: dict[str, RuleFunction] = {}
        self._function_owners: dict[str, list[str]] = {}  # a name several plugins contribute
        with watch_interrupts():
            if load_entry_points:
                self._load_entry_points()
            for name, obj in plugins:
                self.add(name, obj)

    def _load_entry_points(self) -> None:
        try:
            eps = sorted(importlib.metadata.entry_points(group=GROUP), key=lambda e: e.name)
        except Exception as err:  # a broken distribution's metadata
            self.problems.append(f"cannot read the installed entry points: {describe_failure(err)}")
            return
        named: dict[str, str] = {}  # "name version" by distribution folder: read once
        for ep in eps:
            label = _entry_point_label(ep, named)
            try:
                obj = ep.load()
            except BaseException as err:
                if is_users_interrupt(err):
                    raise
                problem = f"{label} failed to load: {_loaded_failure(err)}"
                self.problems.append(problem)
                self.failed.setdefault(ep.name, problem)
                continue
            self.add(self._free_name(ep), obj, label)

    def _free_name(self, ep: importlib.metadata.EntryPoint) -> str:
        """The entry point's name, unless another distribution's entry point has it already:
        then both are registered, and both named if they claim the same scheme id."""
        name = ep.name
        if self.pm.has_plugin(name) or name in self.labels:
            name = f"{ep.name} ({ep.value})"
        return name

    def add(self, name: str, plugin: Any, label: str | None = None) -> None:
        """Register `plugin` under `name`: its schemes and rule functions, or nothing at all."""
        label = label or f"plugin {name!r}"
        infos: list[SchemeInfo] = []
        try:
            self._register(name, plugin, label)
            infos = self._call(label, plugin, "kaoping_schemes", validate.scheme_infos, missing=[])
            functions = self._call(
                label, plugin, "kaoping_rule_functions", validate.rule_functions, missing=[]
            )
            if not infos and not functions:
                raise PluginFailed(f"{label} contributes no scheme and no rule function")
        except PluginFailed as err:
            # left registered, a broken plugin would still be found by pluggy's hook calls
            if self.pm.get_plugin(name) is plugin:
                self.pm.unregister(plugin, name=name)
            problem = (
                f"{err}; the plugin is left out: none of its schemes or rule functions are used"
            )
            self.problems.append(problem)
            for key in (name.split(" (")[0], *(info.id for info in infos)):
                self.failed.setdefault(key, problem)
            return
        self.labels[name] = label
        for info in infos:
            self._add_scheme(name, info)
        for fn in functions:
            self._add_function(name, label, fn)

    def _register(self, name: str, plugin: Any, label: str) -> None:
        if plugin is None:
            raise PluginFailed(f"{label} is None, not a plugin")
        try:
            self.pm.register(plugin, name=name)
        except BaseException as err:
            if is_users_interrupt(err):
                raise
            raise PluginFailed(f"{label} failed to register: {describe_failure(err)}") from err

    def _add_scheme(self, name: str, info: SchemeInfo) -> None:
        if info.id in self.schemes or info.id in self.conflicts:
            claimants = self.conflicts.setdefault(info.id, [self.owner.pop(info.id, "")])
            claimants.append(name)
            self.schemes.pop(info.id, None)
            self.problems.append(
                f"scheme id {info.id!r} is claimed by several plugins: "
                f"{self._claimants(info.id)}; it is left out until all but one are uninstalled"
            )
        else:
            self.schemes[info.id] = info
            self.owner[info.id] = name

    def _claimants(self, scheme_id: str) -> str:
        """The plugins claiming `scheme_id`, each as messages name it (with its distribution)."""
        return ", ".join(self.labels.get(c, repr(c)) for c in self.conflicts[scheme_id] if c)

    def _add_function(self, name: str, label: str, fn: RuleFunction) -> None:
        """A name two plugins contribute is refused: a rule calling it fails naming both,
        rather than run one plugin's function where a scheme expects another's."""
        if fn.name in self._functions:
            first = self._functions[fn.name]
            owners = self._function_owners.setdefault(fn.name, [first.plugin])
            owners.append(label)
            why = (
                f"is contributed by several plugins: {', '.join(owners)}; no rule can call it "
                "until all but one are uninstalled"
            )
            self.problems.append(f"rule function {fn.name!r} {why}")
            self._functions[fn.name] = attrs.evolve(first, plugin="", refused=why)
            return
        self._functions[fn.name] = attrs.evolve(fn, plugin=label)

    def _call(
        self,
        label: str,
        plugin: Any,
        hook: str,
        check: Callable[[object], T],
        args: tuple[str, ...] = (),
        missing: object = None,
        required: bool = False,
    ) -> T:
        """Call one hook of one plugin and check its result (`missing` when the plugin does
        not implement it); whatever goes wrong is a PluginFailed naming the plugin and the hook.
        Only the user's own Ctrl-C passes through."""
        call = f"{hook}({', '.join(repr(a) for a in args)})"
        with watch_interrupts():
            try:
                impl = getattr(plugin, hook, None)
                if impl is None and required:
                    raise PluginFailed(f"{label}: does not implement {hook}")
                return check(missing if impl is None else impl(*args))
            except PluginFailed:
                raise
            except validate.BadHookResult as err:
                raise PluginFailed(f"{label}: {call} {err}") from None
            except BaseException as err:
                if is_users_interrupt(err):
                    raise
                raise PluginFailed(f"{label}: {call} {describe_failure(err)}") from err

    def _plugin(self, scheme_id: str) -> tuple[str, Any]:
        if scheme_id in self.conflicts:
            raise PluginError(
                f"scheme id {scheme_id!r} is claimed by several plugins: "
                f"{self._claimants(scheme_id)}; uninstall all but one (`pip uninstall "
                "DISTRIBUTION`), or give the others another id"
            )
        if scheme_id not in self.schemes and scheme_id in self.failed:
            raise PluginError(f"scheme {scheme_id!r} cannot be used: {self.failed[scheme_id]}")
        if scheme_id not in self.schemes:
            known = ", ".join(sorted(self.schemes)) or "none"
            raise UnknownScheme(f"no installed scheme {scheme_id!r} (installed: {known})")
        name = self.owner[scheme_id]
        return self.labels[name], self.pm.get_plugin(name)

    def _scheme_hook(
        self, scheme_id: str, hook: str, check: Callable[[object], T], required: bool = False
    ) -> T:
        label, plugin = self._plugin(scheme_id)
        try:
            return self._call(label, plugin, hook, check, (scheme_id,), required=required)
        except PluginFailed as err:
            raise PluginError(str(err)) from err.__cause__

    def rules(self, scheme_id: str) -> list[Path]:
        """The rules files (or folders) of an installed scheme, each one there and readable."""
        return self._scheme_hook(
            scheme_id,
            "kaoping_scheme_rules",
            lambda value: validate.rules_paths(value, scheme_id),
            required=True,
        )

    def cases(self, scheme_id: str) -> list[Path]:
        """The golden-case files of an installed scheme; none when the plugin gives none."""
        return self._scheme_hook(scheme_id, "kaoping_scheme_cases", validate.case_paths)

    def sample(self, scheme_id: str) -> Path | None:
        """The sample data file of an installed scheme, or None."""
        return self._scheme_hook(scheme_id, "kaoping_scheme_sample", validate.sample_path)

    def document(self, scheme_id: str) -> Path | None:
        """The source document (UTF-8 text) of an installed scheme, or None."""
        return self._scheme_hook(scheme_id, "kaoping_scheme_document", validate.document_path)

    def names(self) -> list[str]:
        """Every name `check` and `test` take for "every installed scheme": the schemes, the ids
        several plugins claim, and the plugins set aside (each then a failed target)."""
        return sorted({*self.schemes, *self.conflicts, *self.failed})

    def knows(self, name: str) -> bool:
        """Whether `name` is one of `names()`: an installed id, even one that cannot be used."""
        return name in self.schemes or name in self.conflicts or name in self.failed

    def functions(self) -> dict[str, RuleFunction]:
        """Every rule function of every plugin not set aside, each knowing its plugin."""
        return dict(self._functions)


def _entry_point_label(ep: importlib.metadata.EntryPoint, named: dict[str, str]) -> str:
    """`plugin 'jian-2018' (kaoping_scheme_jian_2018:plugin, kaoping-scheme-jian-2018 0.1.0)`.
    `named` keeps each distribution's name and version by its folder: reading them parses its
    whole METADATA file, and one distribution often holds several entry points."""
    where = ep.value
    try:
        dist = ep.dist
        if dist is not None:
            folder = getattr(dist, "_path", None)
            key = str(folder) if folder is not None else ""
            found = named.get(key) if key else None
            if found is None:
                found = f"{dist.name} {dist.version}"
                if key:
                    named[key] = found
            where += f", {found}"
    except Exception:  # unreadable metadata: the entry point's value still names it
        pass
    return f"plugin {ep.name!r} ({where})"


def _loaded_failure(err: BaseException) -> str:
    text = describe_failure(err)
    return text + (" at import" if isinstance(err, SystemExit) else "")


_DEFAULT: Registry | None = None


def default_registry() -> Registry:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Registry()
    return _DEFAULT
