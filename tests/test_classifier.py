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


def test_train_classifier_never_overwrites_the_shipped_weights_and_refuses_a_weak_model(tmp_path, monkeypatch,
                                                                                          data_dir, capsys):
    import torch

    from sigtut.experiments import train_classifier

    monkeypatch.setenv("SIGTUT_DATA", data_dir)
    shipped = classifier.sha256(classifier.WEIGHTS_PATH)
    with pytest.raises(SystemExit):
        train_classifier.main(["--out", str(classifier.WEIGHTS_PATH)])
    assert "shipped weights" in capsys.readouterr().err

    calls = []

    def weak(epochs, seed):                     # stands in for a one-epoch run below 99 %
        calls.append(epochs)
        return classifier.MnistCNN(), 0.42

    monkeypatch.setattr(train_classifier, "train_mnist_classifier", weak)
    out = tmp_path / "cnn.pt"
    assert train_classifier.main(["--epochs", "1", "--out", str(out)]) == 1 and not out.exists()
    assert train_classifier.main(["--epochs", "1", "--out", str(out), "--keep-below-threshold"]) == 0
    assert classifier.load_mnist_classifier(path=out) is not None and calls == [1, 1]
    assert classifier.sha256(classifier.WEIGHTS_PATH) == shipped
    monkeypatch.chdir(tmp_path)
    assert train_classifier.main(["--epochs", "1", "--keep-below-threshold"]) == 0
    assert (tmp_path / "mnist_cnn.pt").exists()                      # the default is outside the package
    assert torch.load(tmp_path / "mnist_cnn.pt", weights_only=True).keys() == classifier.MnistCNN().state_dict().keys()
