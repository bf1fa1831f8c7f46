"""The short version of tools/crash_soak.py: the real app in tmux, killed mid-intake, loses nothing."""

from __future__ import annotations

from tools.crash_soak import trial


def test_killing_the_real_app_mid_intake_loses_no_saved_answer() -> None:
    results = [trial(seed, max_answers=12) for seed in (11, 12, 13)]
    assert all(r.integrity_ok for r in results)
    assert [qid for r in results for qid in r.lost] == []
    assert sum(r.shown_saved for r in results) >= 5  # the trials did answer questions
