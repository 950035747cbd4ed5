"""The Inception Score / FID path through torchmetrics, offline, with an injected feature extractor."""
import importlib.util
import sys

import pytest
import torch
from torch import nn

from sigtut.data import SyntheticClassifier, synthetic_cifar10
from sigtut.metrics.inception import frechet_distance, inception_score, to_uint8

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def images():
    x, y = synthetic_cifar10(600, seed=0)
    return x, y


def test_a_uniform_class_set_scores_higher_than_a_single_class_set(images):
    x, y = images
    uniform = inception_score(x, feature=SyntheticClassifier(), splits=5, device="cpu")
    single = inception_score(x[y == 4], feature=SyntheticClassifier(), splits=5, device="cpu")
    assert uniform.value > 8.0 and single.value < 1.1 and uniform.value > single.value
    assert uniform.std is not None and 0 <= uniform.std < 1


def test_an_injected_extractor_never_gives_an_inception_score(images):
    x, _ = images
    score = inception_score(x, feature=SyntheticClassifier(), splits=5, device="cpu")
    assert not score.is_inception and score.extractor == "SyntheticClassifier"
    assert score.name == "IS-style score under SyntheticClassifier (not an Inception Score)"
    assert str(score).startswith(score.name)
    fd = frechet_distance(x[:300], x[300:], feature=SyntheticClassifier(), device="cpu")
    assert fd.name == "Fréchet distance under SyntheticClassifier (not an FID)"


def test_the_score_repeats_for_a_seed(images):
    x, _ = images
    a = inception_score(x, feature=SyntheticClassifier(), splits=5, device="cpu", seed=1)
    b = inception_score(x, feature=SyntheticClassifier(), splits=5, device="cpu", seed=1)
    assert a == b
    one = inception_score(x, feature=SyntheticClassifier(), splits=1, device="cpu")
    assert one.std is None and "±" not in str(one)


def test_frechet_distance_is_small_between_samples_of_one_distribution(images):
    x, y = images
    reference, _ = synthetic_cifar10(600, seed=1)
    same = frechet_distance(x, reference, feature=SyntheticClassifier(), device="cpu")
    collapsed = frechet_distance(x[y == 4], reference, feature=SyntheticClassifier(), device="cpu")
    assert 0 <= same.value < 0.05 * collapsed.value


def test_to_uint8_maps_the_generator_range_onto_pixels():
    x = torch.tensor([-1.0, 0.0, 1.0, 2.0]).view(1, 1, 2, 2).expand(1, 3, 2, 2)
    assert to_uint8(x)[0, 0].flatten().tolist() == [0, 128, 255, 255]
    with pytest.raises(ValueError, match=r"shape \(n, 3, H, W\)"):
        to_uint8(torch.zeros(2, 1, 4, 4))


def test_bad_inputs_and_underflowing_logits_are_refused(images):
    x, _ = images
    with pytest.raises(ValueError, match="at least 2 per split"):
        inception_score(x[:15], feature=SyntheticClassifier(), splits=10, device="cpu")

    class Overconfident(nn.Module):
        def forward(self, imgs):
            return SyntheticClassifier(tau=0.02)(imgs)
    with pytest.raises(ValueError, match="underflow"):
        inception_score(x[:100], feature=Overconfident(), splits=5, device="cpu")
    with pytest.raises(TypeError, match="feature must be an nn.Module"):
        inception_score(x[:100], feature="logits", device="cpu")


def test_the_inception_network_without_torch_fidelity_says_how_to_install_it(images):
    if importlib.util.find_spec("torch_fidelity") is not None:
        pytest.skip("torch-fidelity is installed here")
    with pytest.raises(ImportError, match=r"sigtut\[cifar\]"):
        inception_score(images[0][:100], device="cpu")


def test_without_torchmetrics_the_message_names_the_extra(images, monkeypatch):
    for name in [m for m in sys.modules if m.startswith("torchmetrics")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "torchmetrics", None)      # import torchmetrics now fails
    with pytest.raises(ImportError, match=r"need torchmetrics: pip install 'sigtut\[cifar\]'"):
        inception_score(images[0][:100], feature=SyntheticClassifier(), device="cpu")
