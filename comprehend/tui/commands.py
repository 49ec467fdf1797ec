"""comprehend's own commands in the palette (ctrl+p): check this change, ask the critic
about it, scan, switch
screen, open a file. The file list is read off the UI thread when the palette opens."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from comprehend.tui.navigation import SCREENS


class ReviewCommands(Provider):
    async def startup(self) -> None:
        from comprehend.git import list_files

        repo = self.app.workspace.repo
        try:
            files = await asyncio.to_thread(list_files, repo, repo.head)
        except Exception:  # noqa: BLE001 - an unreadable tree leaves only the file commands out
            files = []
        self.files = [f.path for f in files if f.mode != "160000"]

    def commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        change = app.current_change()
        what = f"{change[0][:8]} {change[1]}" if change else f"HEAD ({app.workspace.repo.head[:8]})"
        found = [
            (f"Check this change: {what}", partial(app.check_commit, *(change or app.head_change())),
             "run comprehend check on it (mutation testing included); stored like any run"),
            (f"Ask the LLM critic about this change: {what}",
             partial(app.ask_critic, *(change or app.head_change())),
             "its cost shown first; its claims count only when their tests fail"
             if app.critic_model else "no model configured: says how to configure one"),
            ("Scan: attribute every line and build the code graph", app.scan,
             "what `comprehend scan` does, in the background; the screens refresh after it"),
        ]
        for n, (mode, label) in enumerate(SCREENS, start=1):
            found.append((f"Switch screen: {label}", partial(app.action_show_screen, mode), f"key {n}"))
        return found

    async def discover(self) -> Hits:
        for text, command, help_text in self.commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self.commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text)
        for path in getattr(self, "files", ()):
            text = f"Open file: {path}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self.app.open_file, path),
                          help="in the Graph screen: its symbols and its source")
