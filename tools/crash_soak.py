"""Crash soak: the real app in a terminal (tmux), a scripted intake, SIGKILL at random moments.

    .venv/bin/python tools/crash_soak.py [--trials 100] [--seed 1]

Each trial starts the app on a fresh store, answers questions by keys, and kills the process
(kill -9) after a random number of answers, sometimes in the middle of one. An answer counts as
shown saved once the app has moved on to the next question. After the kill the store is
reopened: every answer shown saved must be there and PRAGMA integrity_check must say ok.
Prints trials, lost answers and integrity failures; exits 1 if either is not 0.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inburgering_tui.domain.answers import format_date
from inburgering_tui.domain.form_loader import load_forms
from inburgering_tui.domain.forms import AnswerType, Question
from inburgering_tui.settings import default_forms_dir
from inburgering_tui.store.vault import Vault

PASSPHRASE = "soak-wachtwoordzin"


@dataclass
class TrialResult:
    shown_saved: int
    lost: list[str]
    integrity_ok: bool


def _keys(question: Question, rng: random.Random) -> tuple[str, ...]:
    """Literal text to type (tmux send-keys -l) for a valid answer; Enter is sent after it."""
    kind = question.type
    if kind == AnswerType.DATE:
        year = date.today().year + (1 if question.when == "future" else -3)
        return (format_date(date(year, 1 + rng.randint(0, 11), 1 + rng.randint(0, 27))),)
    if kind == AnswerType.NUMBER:
        low = int(question.min) if question.min is not None else 0
        return (str(low + (1 if question.max is None or low + 1 <= question.max else 0)),)
    if kind == AnswerType.TEXT:
        return ("Besproken met de persoon",)
    if kind == AnswerType.YESNO:
        return (rng.choice("jn"),)
    if kind == AnswerType.SCALE:
        return (str(rng.randint(1, 5)),)
    return (str(rng.randint(1, len(question.options))),)


class Terminal:
    def __init__(self) -> None:
        self.tmux = ["tmux", "-L", f"soak-{uuid.uuid4().hex[:8]}"]

    def start(self, command: str, env: dict[str, str]) -> None:
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        subprocess.run(
            [
                *self.tmux,
                "new-session",
                "-d",
                "-s",
                "app",
                "-x",
                "120",
                "-y",
                "40",
                f"env {exports} {command}",
            ],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", "app"], capture_output=True, text=True
        ).stdout

    def wait_for(self, needle: str, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while needle not in self.screen():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{needle!r} did not appear")
            time.sleep(0.05)

    def type(self, literal: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", "app", "-l", literal], check=True)

    def key(self, name: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", "app", name], check=True)

    def kill_app(self) -> None:
        pid = subprocess.run(
            [*self.tmux, "list-panes", "-t", "app", "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
        ).stdout.split()
        if pid:
            os.kill(int(pid[0]), 9)

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


def trial(seed: int, max_answers: int = 25) -> TrialResult:
    rng = random.Random(seed)
    form = load_forms(default_forms_dir())["brede-intake"]
    home = Path(tempfile.mkdtemp(prefix="inburgering-soak-"))
    store = Vault(home).create(PASSPHRASE)
    case = store.create_case(
        {"given_names": "Soak", "family_name": "Proef", "doelgroep": "asielstatushouder"}
    )
    store.close()
    watcher = Vault(home).unlock(PASSPHRASE, read_only=True)  # reads where the app is

    def position() -> str | None:
        row = watcher.latest_position()
        return row.question_id if row else None

    env = {
        "INBURGERING_HOME": str(home),
        "INBURGERING_PASSPHRASE": PASSPHRASE,
        "INBURGERING_KDF_MEMORY_KIB": os.environ.get("INBURGERING_KDF_MEMORY_KIB", "8192"),
        "INBURGERING_CONFIG": str(home / "settings.toml"),
        "TERM": "xterm-256color",
    }
    terminal = Terminal()
    shown_saved: list[str] = []
    try:
        terminal.start(f"{sys.executable} -m inburgering_tui.cli", env)
        terminal.wait_for("1 zaak")
        terminal.key("Enter")
        terminal.wait_for("Brede intake:")
        terminal.key("i")
        terminal.wait_for("Vraag ")
        kill_after = rng.randint(1, max_answers)
        mid_answer = rng.random() < 0.5
        for step in range(1, kill_after + 1):
            current = position()
            question = form.question(current) if current else None
            if current is None or question is None:
                break
            for literal in _keys(question, rng):
                terminal.type(literal)
            terminal.key("Enter")
            if step == kill_after and mid_answer:
                break  # kill while this answer is being written
            deadline = time.monotonic() + 5
            while position() == current and time.monotonic() < deadline:
                time.sleep(0.02)
            if position() != current:
                shown_saved.append(current)  # the app moved on: it showed the answer as saved
        terminal.kill_app()
    finally:
        terminal.close()
        watcher.close()
    reopened = Vault(home).unlock(PASSPHRASE)
    with reopened.engine.connect() as conn:
        integrity_ok = conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    answers = reopened.answers(case.id, form.id)
    lost = [qid for qid in shown_saved if qid not in answers or answers[qid].value is None]
    reopened.close()
    shutil.rmtree(home, ignore_errors=True)
    return TrialResult(len(shown_saved), lost, integrity_ok)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    saved = lost = failures = 0
    for number in range(args.trials):
        result = trial(args.seed * 1000 + number)
        saved += result.shown_saved
        lost += len(result.lost)
        failures += not result.integrity_ok
        print(
            f"trial {number + 1}: {result.shown_saved} shown saved, {len(result.lost)} lost, "
            f"integrity {'ok' if result.integrity_ok else 'FAILED'}",
            flush=True,
        )
    print(
        f"trials: {args.trials}, answers shown saved: {saved}, lost answers: {lost}, integrity failures: {failures}"
    )
    return 1 if lost or failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
