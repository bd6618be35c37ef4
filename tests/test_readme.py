"""The README documents what the code does: every key, and CI's exact test command."""

from __future__ import annotations

import re
from pathlib import Path

from copilot_tui.keys import KEY_SECTIONS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_key_is_explained_in_the_readme() -> None:
    missing = [
        f"{spec.label}: {spec.description}"
        for _, specs in KEY_SECTIONS
        for spec in specs
        if f"| {spec.label} | {spec.description} |" not in README
    ]
    assert missing == []


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```bash\n(python3 -m venv .*?)\n```", README)
    assert len(commands) == 2, "the README holds exactly the two set-up commands"
    install_and_launch, install_and_test = commands
    assert install_and_launch.endswith(".venv/bin/copilot-tui")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test.replace("pip install", "pip install -q") in ci


def test_screenshots_in_the_readme_exist() -> None:
    images = re.findall(r"\]\((screenshots/[^)]+\.svg)\)", README)
    assert images
    assert all((ROOT / image).is_file() for image in images)
