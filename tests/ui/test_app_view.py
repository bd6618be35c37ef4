"""What a pane shows: paged history, long prompts, unsafe text, the new-text hint."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button

from copilot_tui.core.events import UserMessageEvent
from copilot_tui.widgets.conversation import Conversation, newest_page
from copilot_tui.widgets.messages import UserMessage, prompt_display
from copilot_tui.widgets.session_pane import SessionPane
from tests.conftest import ConfigFactory
from tests.ui.harness import (
    active,
    make_app,
    reply_texts,
    restored,
    save_tabs,
    seed_session,
    wait_until,
)


def test_long_prompts_are_shown_in_part() -> None:
    short = "one\ntwo"
    assert prompt_display(short).plain == short
    long = "".join(f"row {n}\n" for n in range(1000))
    shown = prompt_display(long).plain
    assert shown.startswith("row 0\nrow 1\n")
    assert "row 39" in shown
    assert "row 40" not in shown
    assert "960 more lines" in shown
    assert "\x1b" not in prompt_display("\x1b[2J").plain


def test_the_first_page_holds_a_few_screens_of_the_newest_messages() -> None:
    short = [UserMessageEvent(session_id="s", content="hi")] * 100
    assert newest_page(short, width=100, lines=40) == 10  # one line of text + 3 of chrome
    long = [UserMessageEvent(session_id="s", content="x" * 940)] * 100
    assert newest_page(long, width=100, lines=40) == 3  # ten wrapped lines + 3 each
    assert newest_page(short[:4], width=100, lines=400) == 4


def shown_count(pane: SessionPane) -> int:
    return len(pane.query(UserMessage)) + len(reply_texts(pane))


async def test_a_long_history_opens_with_its_newest_page(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    config = make_config()
    turns = [(f"question {n}", f"answer {n}") for n in range(100)]
    seed_session(config, "long", title="Long", turns=turns)
    save_tabs(tmp_path / "ui.json", ["long"])
    app = make_app(config, tmp_path / "ui.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        pane = active(app)
        first_page = shown_count(pane)
        assert 10 < first_page < 60
        assert reply_texts(pane)[-1] == "answer 99"
        button = pane.query_one(".earlier", Button)
        assert f"{200 - first_page} earlier" in str(button.label)
        button.press()
        await wait_until(pilot, lambda: shown_count(pane) == 2 * first_page)
        assert f"{200 - 2 * first_page} earlier" in str(button.label)
        conversation = pane.query_one(Conversation)
        conversation.scroll_home(animate=False)
        await wait_until(pilot, lambda: shown_count(pane) == 3 * first_page)


async def test_a_restored_tab_that_failed_shows_it(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    config = make_config()
    seed_session(config, "broken", title="Broken", turns=[("q", "a")], error="boom")
    save_tabs(tmp_path / "ui.json", ["broken"])
    app = make_app(config, tmp_path / "ui.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        pane = active(app)
        assert pane.state == "error"
        assert str(app.tabs.get_tab(pane).label).startswith("✗")


async def test_new_text_hint_when_scrolled_up_and_ctrl_end_follows_again(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    config = make_config()
    seed_session(config, "chat", title="Chat", turns=[(f"q{n}", "a\n" * 12) for n in range(6)])
    save_tabs(tmp_path / "ui.json", ["chat"])
    app = make_app(config, tmp_path / "ui.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        pane = active(app)
        hint = pane.query_one(".new-text-hint")
        pane.prompt.insert("[[tokens=200 delay=0.01]] more")
        pane.prompt.submit()
        await wait_until(pilot, lambda: pane.state == "streaming")
        pane.conversation.scroll_home(animate=False, immediate=True)
        await wait_until(pilot, lambda: hint.display)
        await pilot.press("ctrl+end")
        assert not hint.display
        await wait_until(pilot, lambda: pane.state == "idle", timeout=20)
        conversation = pane.conversation
        await wait_until(pilot, lambda: conversation.scroll_y >= conversation.max_scroll_y - 1)


async def test_a_tab_streaming_in_the_background_follows_without_a_hint(
    make_config: ConfigFactory, tmp_path: Path
) -> None:
    app = make_app(make_config(), tmp_path / "ui.json")
    async with app.run_test(size=(100, 30)) as pilot:
        await restored(pilot)
        first = active(app)
        first.prompt.insert("[[tokens=400 delay=0.005]] long")
        first.prompt.submit()
        await wait_until(pilot, lambda: first.state == "streaming")
        other = await app.client.create_session()
        await app.tabs.add_session(other, demo=False)
        await wait_until(pilot, lambda: first.state == "idle", timeout=20)
        assert not first.query_one(".new-text-hint").display
        app.tabs.jump(1)  # shown again: it renders what it missed, scrolled to the end
        conversation = first.conversation
        await wait_until(pilot, lambda: conversation.max_scroll_y > 0)
        await wait_until(pilot, lambda: conversation.scroll_y >= conversation.max_scroll_y - 1)
        assert not first.query_one(".new-text-hint").display
