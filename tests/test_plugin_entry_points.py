"""Hostile plugins installed for real: a distribution (a `.dist-info` folder with entry points,
as pip writes it) on the path of a `kaoping` process. Installing with pip into a fresh
virtualenv is what tests/test_scaffold.py does; a `.dist-info` folder is what that leaves behind
for `importlib.metadata`, written directly so that these tests take a second, not ten."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

DIST = "kaoping-hostile"
LABEL = f"{DIST} 0.1"

MODULES = {
    # the cases: sys.exit and KeyboardInterrupt at import, [1] as rule functions
    "kp_hostile_exit": "import sys\nsys.exit(3)\n",
    "kp_hostile_interrupt": "raise KeyboardInterrupt\n",
    "kp_hostile_functions": (
        "from kaoping import hookimpl\n"
        "class Plugin:\n"
        "    @hookimpl\n"
        "    def kaoping_rule_functions(self):\n"
        "        return [1]\n"
        "plugin = Plugin()\n"
    ),
    # a scheme whose rules hook points at a file that is not there
    "kp_hostile_rules": (
        "from pathlib import Path\n"
        "from kaoping import SchemeInfo, hookimpl\n"
        "class Plugin:\n"
        "    @hookimpl\n"
        "    def kaoping_schemes(self):\n"
        "        return [SchemeInfo('bad-rules', 't', 'j', 2024, 's')]\n"
        "    @hookimpl\n"
        "    def kaoping_scheme_rules(self, scheme_id):\n"
        "        return [Path(__file__).parent / 'gone.rules']\n"
        "plugin = Plugin()\n"
    ),
}
ENTRY_POINTS = {
    "exits": "kp_hostile_exit:plugin",
    "interrupts": "kp_hostile_interrupt:plugin",
    "bad-functions": "kp_hostile_functions:plugin",
    "bad-rules": "kp_hostile_rules:plugin",
}


def install(site: Path, modules: dict[str, str], entry_points: dict[str, str]) -> None:
    """A distribution as pip installs it: modules, and a .dist-info with METADATA and entry
    points, in a folder that is then put on the path."""
    site.mkdir(exist_ok=True)
    for name, source in modules.items():
        (site / f"{name}.py").write_text(source, "utf-8")
    info = site / f"{DIST.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {DIST}\nVersion: 0.1\n")
    lines = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[kaoping]\n{lines}", "utf-8")


def kaoping(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONUTF8": "1"}
    return subprocess.run(
        [sys.executable, "-m", "kaoping.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_hostile_installed_plugins_leave_every_other_scheme_working(tmp_path: Path) -> None:
    site = tmp_path / "site"
    install(site, MODULES, ENTRY_POINTS)
    warnings = [
        f"warning: plugin 'exits' (kp_hostile_exit:plugin, {LABEL}) failed to load: "
        "called sys.exit(3) at import",
        f"warning: plugin 'interrupts' (kp_hostile_interrupt:plugin, {LABEL}) failed to load: "
        "raised KeyboardInterrupt",
        f"warning: plugin 'bad-functions' (kp_hostile_functions:plugin, {LABEL}): "
        "kaoping_rule_functions() item 1 is 1, not a RuleFunction; the plugin is left out: "
        "none of its schemes or rule functions are used",
    ]

    def ok(*args: str) -> subprocess.CompletedProcess[str]:
        proc = kaoping(site, *args)
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
        for warning in warnings:
            assert proc.stderr.count(warning) == 1, (args, warning, proc.stderr)
        assert "Traceback" not in proc.stderr
        return proc

    listed = ok("list")
    ids = [line.split()[0] for line in listed.stdout.splitlines()]
    assert "example-zh" in ids and "bad-rules" in ids
    checked = ok("check", "example-zh")
    assert "example-zh: ok" in checked.stdout
    scored = ok("score", "example-zh", "--sample", "--format", "json")
    assert json.loads(scored.stdout)["units"]
    tested = ok("test", "example-zh")
    assert tested.stdout.strip().splitlines()[-1].endswith(" passed, 0 failed")

    broken = kaoping(site, "check", "bad-rules")
    assert broken.returncode == 2
    assert (
        f"error: plugin 'bad-rules' (kp_hostile_rules:plugin, {LABEL}): "
        f"kaoping_scheme_rules('bad-rules') {site / 'gone.rules'} does not exist"
    ) in broken.stderr
    assert "Traceback" not in broken.stderr

    # a scheme whose plugin failed to import is named as such, exit 2 (not "no such scheme")
    for args in (["check", "exits"], ["score", "exits", "--sample"], ["test", "exits"]):
        gone = kaoping(site, *args)
        assert gone.returncode == 2, (args, gone.stdout, gone.stderr)
        assert (
            f"scheme 'exits' cannot be used: plugin 'exits' (kp_hostile_exit:plugin, {LABEL}) "
            "failed to load: called sys.exit(3) at import"
        ) in gone.stdout + gone.stderr
    # checking every installed scheme counts the plugins set aside as failed targets (in CI a
    # plugin that no longer imports must not pass unnoticed); the others are still checked
    everything = kaoping(site, "check", "--format", "json")
    assert everything.returncode == 2
    targets = {t["target"]: t for t in json.loads(everything.stdout)["targets"]}
    for name in ("exits", "interrupts", "bad-functions"):
        assert targets[name]["status"] == "failed" and "cannot be used" in targets[name]["problem"]
    assert targets["example-zh"]["status"] == "ok"


def test_the_users_ctrl_c_while_a_plugin_imports_stops_kaoping(tmp_path: Path) -> None:
    site = tmp_path / "site"
    marker = tmp_path / "importing"
    slow = f"import pathlib, time\npathlib.Path({str(marker)!r}).touch()\ntime.sleep(60)\n"
    install(site, {"kp_slow": slow}, {"slow": "kp_slow:plugin"})
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONUTF8": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kaoping.cli", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the plugin was never imported"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode != 0  # stopped, not listed
    assert "example-zh" not in stdout
    assert "failed to load" not in stderr  # not taken for the plugin's own KeyboardInterrupt
