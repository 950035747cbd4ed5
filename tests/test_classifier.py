"""The shipped MNIST classifier: checksum and test accuracy (Table 2's labeller)."""
import pytest

from sigtut import classifier
from sigtut.data.mnist import mnist


def test_shipped_weights_match_their_checksum():
    assert classifier.WEIGHTS_PATH.stat().st_size < 1_000_000
    assert classifier.sha256(classifier.WEIGHTS_PATH) == classifier.WEIGHTS_SHA256


def test_a_tampered_weights_file_is_refused(tmp_path, monkeypatch):
    bad = tmp_path / "mnist_cnn.pt"
    bad.write_bytes(classifier.WEIGHTS_PATH.read_bytes() + b"x")
    monkeypatch.setattr(classifier, "WEIGHTS_PATH", bad)
    with pytest.raises(ValueError, match="SHA-256"):
        classifier.load_mnist_classifier()


def test_shipped_classifier_reaches_99_percent_on_the_test_set(data_dir, monkeypatch):
    monkeypatch.setenv("SIGTUT_DATA", data_dir)
    images, labels = mnist(train=False)
    model = classifier.load_mnist_classifier()
    assert not any(p.requires_grad for p in model.parameters())
    assert classifier.accuracy(model, images, labels) >= 0.99
