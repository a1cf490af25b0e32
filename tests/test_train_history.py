"""aeutils.train.history: what a run recorded."""

from __future__ import annotations

from aeutils.train import History


def test_history_summary_before_training():
    assert History(model_name="Net").summary() == "Net has not been trained yet (0 epochs recorded)."


def test_history_defaults():
    history = History(train_loss=[1.0, 0.5], epoch_seconds=[0.25, 0.25])
    assert history.epochs == 2 and history.total_seconds == 0.5
    assert history.summary().endswith("train loss 0.50000.")
