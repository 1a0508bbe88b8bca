"""`kaoping new-scheme`: the scaffolded plugin package compiles, its golden cases pass, and,
installed into a fresh virtualenv, it is found through its entry point by the `kaoping` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import time
import tomllib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kaoping.cases import read_cases, run_files
from kaoping.cli import main
from kaoping.compiler.load import compile_paths
from kaoping.errors import KaopingError
from kaoping.scaffold import InvalidSchemeId, ScaffoldExists, package_name, scaffold

ROOT = Path(__file__).resolve().parents[1]
ID = "demo-2024"
PKG = "kaoping_scheme_demo_2024"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return scaffold(ID, tmp_path)


def test_layout(package: Path, tmp_path: Path) -> None:
    assert package == tmp_path / f"kaoping-scheme-{ID}"
    assert package_name(ID) == PKG
    files = sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "pyproject.toml",
        f"src/{PKG}/__init__.py",
        f"src/{PKG}/cases/basic.yaml",
        f"src/{PKG}/sample.json",
        f"src/{PKG}/scheme.rules",
    ]
    # nothing left over from writing it
    assert [p.name for p in tmp_path.iterdir()] == [package.name]


def test_pyproject_declares_entry_point_and_package_data(package: Path) -> None:
    meta = tomllib.loads((package / "pyproject.toml").read_text("utf-8"))
    assert meta["project"]["name"] == f"kaoping-scheme-{ID}"
    assert any(d.startswith("kaoping") for d in meta["project"]["dependencies"])
    assert meta["project"]["entry-points"]["kaoping"] == {ID: f"{PKG}:plugin"}
    assert meta["build-system"]["build-backend"] == "setuptools.build_meta"
    data = meta["tool"]["setuptools"]["package-data"][PKG]
    assert {"*.rules", "cases/*.yaml", "sample.json"} <= set(data)


def test_plugin_module_describes_the_scheme(package: Path) -> None:
    source = (package / "src" / PKG / "__init__.py").read_text("utf-8")
    namespace: dict[str, object] = {"__name__": PKG}
    exec(compile(source, "__init__.py", "exec"), namespace)
    plugin = namespace["plugin"]
    assert plugin.info.id == ID  # type: ignore[attr-defined]
    assert plugin.package == PKG  # type: ignore[attr-defined]


def test_rules_compile_cleanly_and_golden_cases_pass(package: Path) -> None:
    folder = package / "src" / PKG
    compiled = compile_paths(ID, sorted(folder.glob("*.rules")))
    assert compiled.warnings == []
    results = run_files(compiled, sorted((folder / "cases").glob("*.yaml")))
    assert len(results) >= 2
    failures = [f"{r.case.name}: {r.message}" for r in results if not r.passed]
    assert failures == []


def test_golden_cases_are_real_checks(package: Path) -> None:
    """Every case has an article and arithmetic, and changing an expected total makes it fail."""
    path = package / "src" / PKG / "cases" / "basic.yaml"
    cases = read_cases(path)
    assert all(c.article and c.data["arithmetic"] for c in cases)
    doc = yaml.safe_load(path.read_text("utf-8"))
    first = next(c for c in doc["cases"] if "expect" in c)
    unit = next(iter(first["expect"]))
    first["expect"][unit]["total"] = "99.5"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    compiled = compile_paths(ID, [package / "src" / PKG / "scheme.rules"])
    results = run_files(compiled, [path])
    assert [r.passed for r in results].count(False) == 1
    assert "expected 99.5" in next(r.message for r in results if not r.passed)


def test_rules_use_the_promised_constructs(package: Path) -> None:
    rules = (package / "src" / PKG / "scheme.rules").read_text("utf-8")
    for word in ("扣完为止", "封顶", "组内:", "排名 按", "评定", "前 1 名", "其余", "条款"):
        assert word in rules


def test_sample_scores(package: Path) -> None:
    from kaoping.io.data import load_file
    from kaoping.scoring import score

    folder = package / "src" / PKG
    compiled = compile_paths(ID, [folder / "scheme.rules"])
    results = score(compiled, load_file(folder / "sample.json", compiled.model))
    assert len(results.units) >= 3
    assert all(r.rank is not None and r.unit.grades for r in results.units)


@pytest.mark.parametrize(
    "bad", ["", "Demo", "demo_2024", "-demo", "demo-", "de--mo", "2024-demo", "演示", "a b", "../x"]
)
def test_bad_id_is_refused(bad: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidSchemeId, match="invalid scheme id"):
        scaffold(bad, tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert issubclass(InvalidSchemeId, KaopingError)


def test_existing_folder_is_not_overwritten(package: Path, tmp_path: Path) -> None:
    marker = package / "src" / PKG / "scheme.rules"
    marker.write_text("# mine\n", "utf-8")
    with pytest.raises(ScaffoldExists, match="exists already"):
        scaffold(ID, tmp_path)
    assert marker.read_text("utf-8") == "# mine\n"
    assert issubclass(ScaffoldExists, KaopingError)


def test_missing_directory_is_created(tmp_path: Path) -> None:
    root = scaffold("x1", tmp_path / "a" / "b")
    assert (root / "pyproject.toml").is_file()


def test_cli_new_scheme(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["new-scheme", ID, "--dir", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    assert f"kaoping-scheme-{ID}" in ok.output
    again = runner.invoke(main, ["new-scheme", ID, "--dir", str(tmp_path)])
    assert again.exit_code != 0
    assert "exists already" in again.output
    bad = runner.invoke(main, ["new-scheme", "Bad_Id", "--dir", str(tmp_path)])
    assert bad.exit_code != 0
    assert "invalid scheme id 'Bad_Id'" in bad.output


def test_the_year_comes_from_the_id(tmp_path: Path) -> None:
    """`kaoping list` shows SchemeInfo's year: the document's (the id's by convention), not the
    year the package happened to be created in."""
    text = scaffold("xinfeng-2019", tmp_path) / "src/kaoping_scheme_xinfeng_2019/__init__.py"
    assert "year=2019," in text.read_text("utf-8")
    assert "某县2019年度" in text.read_text("utf-8")


def test_new_scheme_warns_when_the_id_is_installed_already(tmp_path: Path) -> None:
    """Installing the package would make both schemes unusable (the id claimed twice): say so
    when the package is created, not only once it is installed."""
    result = CliRunner().invoke(main, ["new-scheme", "example-zh", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kaoping-scheme-example-zh" / "pyproject.toml").is_file()
    assert "warning: 'example-zh' is already an installed scheme" in result.stderr
    assert "neither can be used" in result.stderr
    fresh = CliRunner().invoke(main, ["new-scheme", "xinfeng-2024", "--dir", str(tmp_path)])
    assert fresh.exit_code == 0 and "warning" not in fresh.stderr


# --- end to end: a fresh virtualenv, kaoping and the scaffolded package installed, no network ---


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, env=env, cwd=cwd, timeout=300, check=False
    )


def _ok(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, f"{proc.args}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


def test_scaffolded_package_installs_and_works_in_a_fresh_venv(tmp_path: Path) -> None:
    started = time.monotonic()
    venv = tmp_path / "venv"
    # --system-site-packages: kaoping's dependencies (lark, attrs, pluggy, click, PyYAML) and the
    # build tools (pip, setuptools) come from the interpreter's environment, nothing is downloaded.
    # --without-pip: the venv's own bundled pip/setuptools would shadow those, and that setuptools
    # may be too old to build wheels without the `wheel` package.
    _ok(
        _run(
            [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
            dict(os.environ),
            tmp_path,
        )
    )
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    # When the tests themselves run in a virtualenv, "system" site-packages is the base
    # interpreter's, not this environment's: make this environment's site-packages visible too
    # (appended after the venv's own, so what is installed into the venv wins).
    venv_purelib = _ok(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            dict(os.environ),
            tmp_path,
        )
    ).stdout.strip()
    here = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(venv_purelib, "_kaoping_test_outer.pth").write_text(
        "".join(p + "\n" for p in sorted(here)), "utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONUTF8="1")

    # Building offline (--no-build-isolation) needs pip, and a setuptools that can build wheels
    # by itself (>= 70.1) or the `wheel` package beside an older one. (setuptools before pip:
    # setuptools insists on being the first to import distutils.)
    probe = _run(
        [
            str(python),
            "-c",
            "import setuptools, pip, importlib.util as u\n"
            "v = tuple(int(x) for x in setuptools.__version__.split('.')[:2])\n"
            "raise SystemExit(0 if v >= (70, 1) or u.find_spec('wheel') else 3)",
        ],
        env,
        tmp_path,
    )
    assert probe.returncode == 0, (
        "the test environment needs pip and setuptools>=70.1 (or `wheel`) to build the packages "
        f"offline; install the test extra: pip install -e '.[test]'\n{probe.stderr}"
    )

    pip = [str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q"]
    _ok(_run([*pip, "-e", str(ROOT)], env, tmp_path))
    package = scaffold(ID, tmp_path / "work")
    _ok(_run([*pip, str(package)], env, tmp_path))
    installed = time.monotonic()

    kaoping = str(bin_dir / ("kaoping.exe" if os.name == "nt" else "kaoping"))
    where = _ok(_run([str(python), "-c", f"import {PKG}; print({PKG}.__file__)"], env, tmp_path))
    assert (
        Path(where.stdout.strip()).resolve().is_relative_to(venv.resolve())
    )  # the installed copy, not the source

    listed = _ok(_run([kaoping, "list"], env, tmp_path))
    assert any(line.split()[0] == ID for line in listed.stdout.splitlines() if line.strip())
    assert "example-zh" in listed.stdout  # the built-ins still come through their entry points

    checked = _ok(_run([kaoping, "check", ID], env, tmp_path))
    assert f"{ID}: ok (0 error(s), 0 warning(s)" in checked.stdout

    tested = _ok(_run([kaoping, "test", ID], env, tmp_path))
    last = tested.stdout.strip().splitlines()[-1]
    passed = int(last.split()[0])
    assert passed >= 2 and last == f"{passed} passed, 0 failed"

    scored = _ok(_run([kaoping, "score", ID, "--sample", "--format", "json"], env, tmp_path))
    units = json.loads(scored.stdout)["units"]
    assert len(units) >= 3
    for u in units:
        assert u["total"] is not None and u["rank"] is not None and u["grade"], u

    _ok(_run([kaoping, "explain", ID, "--sample", "--unit", units[0]["unit"]], env, tmp_path))
    inputs = _ok(_run([kaoping, "inputs", ID], env, tmp_path))
    assert "信息报送次数" in inputs.stdout

    # seen in CI logs: how long this takes (about 5-10 s), to decide whether it needs `slow`
    print(f"venv+install {installed - started:.1f}s, commands {time.monotonic() - installed:.1f}s")
