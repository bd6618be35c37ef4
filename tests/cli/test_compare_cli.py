"""`copilot-tui compare export`: the compare run an `ask` fan-out made, as one document."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from copilot_tui.core.demo_server import Behaviour
from tests.cli.support import Cli, one_error_line, stored_sessions, summary


def fan_out(cli: Cli, pace: dict[str, Behaviour]) -> str:
    """Ask models "m-b" then "m-a" one prompt; return the run's compare id."""
    pace["m-b"] = Behaviour(text="B says \x1b[2J hi")
    pace["m-a"] = Behaviour(text="A says hi")
    result = cli("ask", "--model", "m-b", "--model", "m-a", "which bird is fastest?")
    assert result.status == 0
    return summary(result).group(1)


def test_export_prints_the_prompt_and_one_section_per_model(
    cli: Cli, pace: dict[str, Behaviour]
) -> None:
    compare_id = fan_out(cli, pace)
    ids = {meta.model: meta.session_id for meta in stored_sessions()}
    result = cli("compare", "export", compare_id)
    assert (result.status, result.err) == (0, "")
    assert result.out.startswith(f"# Compare run {compare_id}\n")
    assert result.out.count("which bird is fastest?") == 1
    headings = re.findall(r"^## (.*)$", result.out, flags=re.MULTILINE)
    assert headings == [f"m-b · {ids['m-b']}", f"m-a · {ids['m-a']}"]
    assert "B says ␛[2J hi" in result.out
    assert "A says hi" in result.out
    assert "\x1b" not in result.out


def test_export_to_a_file_is_verbatim_private_and_named_in_a_directory(
    cli: Cli, pace: dict[str, Behaviour], tmp_path: Path
) -> None:
    compare_id = fan_out(cli, pace)
    target = tmp_path / "run.md"
    result = cli("compare", "export", compare_id, "-o", str(target))
    assert (result.status, result.out) == (0, "")
    assert result.err == f"exported compare run {compare_id} to {target}\n"
    text = target.read_text()
    assert text.startswith(f"# Compare run {compare_id}\n")
    assert "B says \x1b[2J hi" in text  # a file gets the reply as the model sent it
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert cli("compare", "export", compare_id, "-o", str(tmp_path)).status == 0
    assert (tmp_path / f"compare-{compare_id}.md").read_text() == text


def test_an_unknown_run_is_one_line_exit_1(cli: Cli, pace: dict[str, Behaviour]) -> None:
    fan_out(cli, pace)
    result = cli("compare", "export", "0123456789ab")
    line = one_error_line(result, 1)
    assert "no compare run '0123456789ab'" in line
    assert result.out == ""
