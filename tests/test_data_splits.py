"""aeutils.data.splits: seeded, disjoint train/validation splits."""

from __future__ import annotations

import pytest
import torch

from aeutils import data
from aeutils.data import ImageDataset


def _toy_dataset(n: int = 50) -> ImageDataset:
    images = torch.rand(n, 1, 28, 28)
    return ImageDataset(images, torch.arange(n) % 10, tuple("0123456789"))


def test_train_val_split_is_disjoint_and_seeded():
    dataset = _toy_dataset()
    train, val = data.train_val_split(dataset, val_size=10, seed=3)
    assert (len(train), len(val)) == (40, 10)
    train_keys = {float(x.sum()) for x in train.images}
    val_keys = {float(x.sum()) for x in val.images}
    assert not train_keys & val_keys
    again_train, again_val = data.train_val_split(dataset, val_size=10, seed=3)
    assert torch.equal(val.images, again_val.images) and torch.equal(train.labels, again_train.labels)
    _, other_val = data.train_val_split(dataset, val_size=10, seed=4)
    assert not torch.equal(val.images, other_val.images)


@pytest.mark.parametrize("val_size", [0, 50, -1])
def test_train_val_split_rejects_bad_sizes(val_size):
    with pytest.raises(ValueError, match="val_size must be between 1 and 49"):
        data.train_val_split(_toy_dataset(), val_size=val_size)


def test_train_val_split_names_bad_datasets_and_seeds():
    """Issue 19: a tensor or seed='a' gave raw tracebacks."""
    import torch

    from aeutils.data import ImageDataset, train_val_split

    with pytest.raises(TypeError, match="dataset must be a ImageDataset"):
        train_val_split(torch.rand(10, 1, 2, 2), val_size=2)
    dataset = ImageDataset(torch.rand(10, 1, 2, 2), torch.zeros(10, dtype=torch.long),
                           ("a",))
    with pytest.raises(TypeError, match="seed must be an int"):
        train_val_split(dataset, val_size=2, seed="a")
