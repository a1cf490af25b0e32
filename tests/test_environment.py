"""The installed stack fits together (torch and torchvision come from one resolution)."""

from __future__ import annotations

import torch


def test_torchvision_imports_and_its_operators_load():
    import torchvision
    from torchvision.ops import nms

    boxes = torch.tensor([[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]])
    assert nms(boxes, torch.tensor([0.9, 0.8]), 0.5).tolist() == [0]
    assert torchvision.datasets.FashionMNIST.classes[0] == "T-shirt/top"


def test_jupyter_book_is_1x():
    from importlib.metadata import version

    assert version("jupyter-book").startswith("1.")
