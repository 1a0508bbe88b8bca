"""The pre-commit hooks of .pre-commit-hooks.yaml, run by pre-commit itself (`pre-commit try-repo`
against this repository) on a temporary git repository with a good and a broken scheme. The hooks
are `language: system` (the file says why), so this needs no network: they run the kaoping of the
environment the tests run in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

DECLARATIONS = 'scheme "台帐"\ngroup 单位 "单位"\ninput 次数: count "报送次数"\n'
SCORING = "scoring 单位:\n    item 报送 max 10:\n        add 2 per 次数\n        cap 10\n"
CASE = """\
cases:
  - name: 三次报送得6分
    article: "第一条"
    arithmetic: "2 × 3 = 6"
    units: [{{unit: 甲, group: 单位, facts: {{次数: 3}}}}]
    expect: {{甲: {{total: "{total}"}}}}
"""


def hooks() -> list[dict[str, object]]:
    loaded = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert isinstance(loaded, list)
    return loaded


def test_hooks_are_check_test_and_fmt_each_an_existing_command() -> None:
    assert [h["id"] for h in hooks()] == ["kaoping-check", "kaoping-test", "kaoping-fmt"]
    for hook in hooks():
        entry = str(hook["entry"]).split()
        assert entry[0] == "kaoping"
        shown = subprocess.run(
            [str(BIN / "kaoping"), *entry[1:], "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert shown.returncode == 0, shown.stderr
        for arg in hook.get("args", []):  # type: ignore[attr-defined]
            assert str(arg) in shown.stdout


class Repo:
    """A git repository in tmp_path, and pre-commit's try-repo of kaoping's hooks on it."""

    def __init__(self, path: Path, home: Path):
        self.path = path
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))},
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PRE_COMMIT_HOME": str(home),
            "KAOPING_LANG": "en",
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org",
        }
        path.mkdir()
        self.git("init", "-q")

    def git(self, *args: str) -> None:
        subprocess.run(["git", *args], cwd=self.path, env=self.env, check=True, timeout=60)

    def write(self, name: str, text: str) -> None:
        file = self.path / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, "utf-8")

    def commit(self) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "rules")

    def hook(self, hook_id: str, *files: str) -> subprocess.CompletedProcess[str]:
        which = ["--files", *files] if files else ["--all-files"]
        return subprocess.run(
            # --verbose: a passing hook's output is shown too
            [
                sys.executable,
                "-m",
                "pre_commit",
                "try-repo",
                "--verbose",
                str(ROOT),
                hook_id,
                *which,
            ],
            cwd=self.path,
            env={**self.env, "PRE_COMMIT_COLOR": "never"},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path / "repo", tmp_path / "pre-commit-home")
    r.write("schemes/good/scheme.rules", DECLARATIONS)
    r.write("schemes/good/scoring.rules", SCORING)
    r.write("schemes/good/cases/basic.yaml", CASE.format(total="6"))
    r.write("schemes/broken/scheme.rules", DECLARATIONS + SCORING.replace("per 次数", "per 次"))
    r.write("README.md", "not a rules file\n")
    r.commit()
    return r


def test_check_hook_fails_on_the_broken_scheme_and_passes_the_good_one(repo: Repo) -> None:
    both = repo.hook("kaoping-check")
    assert both.returncode == 1, both.stdout + both.stderr
    assert "schemes/broken/scheme.rules:6:19: error E201 unknown name '次'" in both.stdout
    assert "schemes/broken: FAILED (1 error(s), 1 warning(s), 1 file(s))" in both.stdout
    assert "schemes/good: ok (0 error(s), 0 warning(s), 2 file(s))" in both.stdout
    assert "kaoping check" in both.stdout and "Failed" in both.stdout

    good = repo.hook("kaoping-check", "schemes/good/scoring.rules")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout

    repo.write("schemes/broken/scheme.rules", DECLARATIONS + SCORING)
    repo.commit()
    fixed = repo.hook("kaoping-check")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


def test_check_hook_checks_the_scheme_a_changed_file_belongs_to(repo: Repo) -> None:
    # renaming the input in one file breaks the other file of the scheme
    repo.write("schemes/good/scheme.rules", DECLARATIONS.replace("次数", "报送数"))
    repo.commit()
    result = repo.hook("kaoping-check", "schemes/good/scheme.rules")
    assert result.returncode == 1
    assert "schemes/good/scoring.rules:3:19: error E201 unknown name '次数'" in result.stdout
    assert "schemes/good: FAILED" in result.stdout


def test_test_hook_runs_the_cases_of_changed_schemes(repo: Repo) -> None:
    passing = repo.hook("kaoping-test", "schemes/good/cases/basic.yaml")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "ok   schemes/good: 三次报送得6分" in passing.stdout
    assert "1 passed, 0 failed" in passing.stdout

    repo.write("schemes/good/cases/basic.yaml", CASE.format(total="7"))
    repo.commit()
    failing = repo.hook("kaoping-test", "schemes/good/cases/basic.yaml")
    assert failing.returncode == 1
    assert "FAIL schemes/good: 三次报送得6分" in failing.stdout
    # a file no hook is for is not passed to it
    skipped = repo.hook("kaoping-test", "README.md")
    assert skipped.returncode == 0 and "no files to check" in skipped.stdout.lower()


def test_fmt_hook_fixes_a_badly_formatted_file_and_passes_a_formatted_one(repo: Repo) -> None:
    tidy = "scoring 单位:\n    item 报送 max 10:\n        add 2 per 次数\n        cap 10\n"
    assert (repo.path / "schemes/good/scoring.rules").read_text("utf-8") == tidy
    passing = repo.hook("kaoping-fmt", "schemes/good/scoring.rules")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout

    repo.write(
        "schemes/good/scoring.rules",
        "scoring 单位:\n  item 报送 max 10:\n    add 2 per 次数\n    cap 10   \n",
    )
    repo.commit()
    fixed = repo.hook("kaoping-fmt", "schemes/good/scoring.rules")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert "reformatted schemes/good/scoring.rules" in fixed.stdout
    assert "files were modified by this hook" in fixed.stdout
    assert (repo.path / "schemes/good/scoring.rules").read_text("utf-8") == tidy
