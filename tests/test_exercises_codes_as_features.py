"""The leave-one-out retrieval check accepts the reference and names mistakes."""

from __future__ import annotations

import torch

from aeutils import exercises


def reference(codes, labels, k):
    distances = torch.cdist(codes, codes)
    distances.fill_diagonal_(float("inf"))
    found = distances.topk(k, largest=False).indices
    return float((labels[found] == labels[:, None]).float().mean())


def test_reference_passes():
    assert exercises.check_self_retrieval(reference).passed


def test_stub_asks_for_an_implementation():
    def stub(codes, labels, k):
        raise NotImplementedError

    assert "Not implemented" in str(exercises.check_self_retrieval(stub))


def test_finding_itself_is_named():
    def keeps_self(codes, labels, k):
        found = torch.cdist(codes, codes).topk(k, largest=False).indices
        return float((labels[found] == labels[:, None]).float().mean())

    feedback = exercises.check_self_retrieval(keeps_self)
    assert not feedback.passed and "found itself" in str(feedback)


def test_k_plus_one_with_self_is_named():
    def k_plus_one(codes, labels, k):
        found = torch.cdist(codes, codes).topk(k + 1, largest=False).indices
        return float((labels[found] == labels[:, None]).float().mean())

    feedback = exercises.check_self_retrieval(k_plus_one)
    assert not feedback.passed and "k + 1" in str(feedback)


def test_per_query_values_are_named():
    def per_query(codes, labels, k):
        distances = torch.cdist(codes, codes)
        distances.fill_diagonal_(float("inf"))
        found = distances.topk(k, largest=False).indices
        return (labels[found] == labels[:, None]).float().mean(dim=1)

    feedback = exercises.check_self_retrieval(per_query)
    assert not feedback.passed and "one number" in str(feedback)
