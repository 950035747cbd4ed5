"""Inception Score and FID of generated images (paper Section 5.4, Table 3), through torchmetrics.

The Inception Score (Salimans et al., 2016; the paper's eq. 13 with an ImageNet
classifier) is exp(E_x KL(p(y | x) ‖ p(y))) under the Inception-v3 network of Szegedy et
al. (2016), computed by the standard protocol on 50,000 samples in 10 splits: the mean
and standard deviation of the score over the splits. The Fréchet Inception Distance
(Heusel et al., 2017) compares Gaussians fitted to the network's 2,048 pool features of
the samples and of the training set. Neither is written by hand here: both come from
torchmetrics, whose Inception network (from torch-fidelity) is a port of the original
TensorFlow graph with its 2015-12-05 weights.

Those weights are downloaded by torch-fidelity on first use, and torch-fidelity needs a
torchvision that matches torch, so the library is an optional extra,
``pip install 'sigtut[cifar]'``, imported only when a score is asked for. For tests and
CPU demonstrations any ``nn.Module`` mapping uint8 images (n, 3, H, W) to (n, d)
features can be injected with ``feature=``: the result is then labelled with that
module's name and never called an Inception Score or an FID.

Images go to the network as uint8 in [0, 255], as a saved image would: float images in
the generators' range [-1, 1] are mapped by :func:`to_uint8`.
"""
from __future__ import annotations

import importlib.util
import math
import urllib.error
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor, nn

from .. import _checks
from ..runtime import device as default_device

IS_SAMPLES = 50_000
IS_SPLITS = 10
INCEPTION = "Inception-v3 (torch-fidelity port, 2015-12-05 weights)"
INCEPTION_WEIGHTS = "weights-inception-2015-12-05-6726825d.pth"
INSTALL = "pip install 'sigtut[cifar]'   (torchmetrics[image]: torch-fidelity and a torchvision that matches torch)"


@dataclass(frozen=True)
class ImageScore:
    """A score of a set of images, with the network that produced it.

    ``name`` is "Inception Score" or "FID" only when ``extractor`` is the Inception
    network; any other extractor gives a name that says so.
    """

    metric: str            # "IS" or "FID"
    value: float
    std: float | None      # IS: standard deviation over the splits (None for one split); FID: None
    n_images: int
    extractor: str

    @property
    def is_inception(self) -> bool:
        return self.extractor == INCEPTION

    @property
    def name(self) -> str:
        if self.is_inception:
            return "Inception Score" if self.metric == "IS" else "FID"
        if self.metric == "IS":
            return f"IS-style score under {self.extractor} (not an Inception Score)"
        return f"Fréchet distance under {self.extractor} (not an FID)"

    def __str__(self) -> str:
        spread = f" ± {self.std:.3g}" if self.std is not None else ""
        return f"{self.name}: {self.value:.4g}{spread} ({self.n_images} images)"


def _n_images(name: str, images: Tensor) -> int:
    if not isinstance(images, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(images).__name__}")
    if images.dim() != 4 or images.shape[1] != 3:
        raise ValueError(f"{name} must have shape (n, 3, H, W), got {tuple(images.shape)}")
    return images.shape[0]


def to_uint8(images: Tensor) -> Tensor:
    """Images (n, 3, H, W) as uint8 in [0, 255]: float input is read in [-1, 1] and rounded; uint8 passes."""
    _n_images("images", images)
    if images.dtype == torch.uint8:
        return images
    images = _checks.tensor("images", images)
    return images.detach().clamp(-1, 1).add(1).mul(127.5).round().to(torch.uint8)


def _torchmetrics():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from torchmetrics.image.fid import FrechetInceptionDistance
            from torchmetrics.image.inception import InceptionScore
    except ImportError as err:
        raise ImportError(f"the Inception Score and FID need torchmetrics: {INSTALL}") from err
    except (RuntimeError, OSError) as err:   # a torchvision built for another torch fails at import
        raise ImportError(f"torchmetrics' image metrics failed to import ({err}); {INSTALL}") from err
    return InceptionScore, FrechetInceptionDistance


def _build(metric_class, feature: nn.Module | None, inception_feature, **kwargs):
    """The torchmetrics metric on ``feature``, or on the Inception network, with clear errors when it is missing."""
    if feature is not None:
        if not isinstance(feature, nn.Module):
            raise TypeError(f"feature must be an nn.Module or None (Inception), got {type(feature).__name__}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")       # torchmetrics warns that IS keeps all features in memory
            return metric_class(feature=feature, **kwargs), type(feature).__name__
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return metric_class(feature=inception_feature, **kwargs), INCEPTION
    except ModuleNotFoundError as err:
        raise ImportError(f"the Inception network comes from torch-fidelity, which is not installed: {INSTALL}; "
                          "or pass feature=<module> for a score that is not an Inception Score") from err
    except (OSError, urllib.error.URLError, RuntimeError) as err:
        hub = torch.hub.get_dir()
        raise RuntimeError(
            f"cannot load the Inception-v3 weights ({err}). torch-fidelity downloads {INCEPTION_WEIGHTS} from "
            f"github.com/toshas/torch-fidelity/releases on first use into {hub}/checkpoints/; on a machine "
            "without internet copy the file there by hand"
        ) from err


def weights_path() -> Path:
    """Where torch-fidelity keeps (and looks for) the Inception weights: ``<torch hub>/checkpoints/``."""
    return Path(torch.hub.get_dir()) / "checkpoints" / INCEPTION_WEIGHTS


def inception_missing() -> str | None:
    """Why the Inception Score and FID cannot be computed here, in one line; None when they can.

    Checks, without scoring anything, that torchmetrics' image metrics import, that
    torch-fidelity is installed and that its Inception weights are on disk. When only the
    weights are missing, the metric is built once, which lets torch-fidelity download them;
    the reason returned when that fails says where to copy the file by hand.
    """
    try:
        _torchmetrics()
    except ImportError as err:
        return str(err)
    if importlib.util.find_spec("torch_fidelity") is None:
        return f"the Inception network comes from torch-fidelity, which is not installed: {INSTALL}"
    if weights_path().exists():
        return None
    try:
        _build(_torchmetrics()[0], None, "logits_unbiased")      # downloads the weights when it can
    except (ImportError, RuntimeError) as err:
        return str(err)
    return None


def _batches(images: Tensor, batch_size: int, device: torch.device):
    for start in range(0, images.shape[0], batch_size):
        yield to_uint8(images[start:start + batch_size]).to(device)


def _device(device: torch.device | str | None) -> torch.device:
    return default_device(device)


def inception_score(images: Tensor, feature: nn.Module | None = None, splits: int = IS_SPLITS,
                    batch_size: int = 250, device: torch.device | str | None = None, seed: int = 0) -> ImageScore:
    """Inception Score of ``images``: mean and standard deviation over ``splits`` random splits.

    The standard protocol scores 50,000 samples (``IS_SAMPLES``) in 10 splits; the real
    CIFAR-10 training set scores 11.24 ± 0.12 in the paper's Table 3. torchmetrics reports
    the sample standard deviation of the split scores (the original code the population
    one, smaller by √(9/10) for 10 splits).

    Args:
        images: (n, 3, H, W), float in [-1, 1] or uint8 in [0, 255]; any H, W (the
            Inception network resizes to 299 × 299).
        feature: None for the Inception network (needs the ``cifar`` extra and its
            weights), or a module mapping uint8 images to class logits (n, k).
        splits: number of splits (10).
        batch_size: images per forward pass.
        device: where the network runs (default: :func:`sigtut.device`).
        seed: seeds the random split of the images, so a score repeats.
    """
    _checks.positive_int("splits", splits)
    _checks.positive_int("batch_size", batch_size)
    n = _n_images("images", images)
    if n < 2 * splits:
        raise ValueError(f"images must hold at least 2 per split ({2 * splits} for {splits} splits), got {n}")
    InceptionScore, _ = _torchmetrics()
    metric, extractor = _build(InceptionScore, feature, "logits_unbiased", splits=splits)
    dev = _device(device)
    metric = metric.to(dev)
    with torch.no_grad():
        for batch in _batches(images, batch_size, dev):
            metric.update(batch)
        with torch.random.fork_rng(devices=[]), warnings.catch_warnings():
            torch.manual_seed(_checks.seed(seed))
            warnings.simplefilter("ignore")           # one split has no spread: std is undefined
            mean, std = metric.compute()
    if not math.isfinite(float(mean)):
        raise ValueError(f"the score is {float(mean)}: some softmax probabilities of the extractor's logits "
                         "underflow to 0; give it logits with a smaller spread")
    return ImageScore("IS", float(mean), float(std) if splits > 1 else None, n, extractor)


def frechet_distance(images: Tensor, reference: Tensor, feature: nn.Module | None = None,
                     batch_size: int = 250, device: torch.device | str | None = None) -> ImageScore:
    """FID between ``images`` and ``reference`` (the training set, for Table 3), on 2,048 Inception pool features.

    Args:
        images, reference: (n, 3, H, W), float in [-1, 1] or uint8; each needs more images
            than the feature dimension for a full-rank covariance.
        feature: None for the Inception network, or a module mapping uint8 images to
            features (n, d) (give it a ``num_features`` attribute, else torchmetrics probes it).
        batch_size, device: as for :func:`inception_score`.
    """
    _checks.positive_int("batch_size", batch_size)
    n, n_ref = _n_images("images", images), _n_images("reference", reference)
    if min(n, n_ref) < 2:
        raise ValueError(f"images and reference need at least 2 images each, got {n} and {n_ref}")
    _, FrechetInceptionDistance = _torchmetrics()
    metric, extractor = _build(FrechetInceptionDistance, feature, 2048)
    dev = _device(device)
    metric = metric.to(dev)
    with torch.no_grad():
        for batch in _batches(reference, batch_size, dev):
            metric.update(batch, real=True)
        for batch in _batches(images, batch_size, dev):
            metric.update(batch, real=False)
        value = float(metric.compute())
    if not math.isfinite(value):
        raise ValueError(f"the Fréchet distance is {value}: too few images for the feature dimension?")
    return ImageScore("FID", value, None, n, extractor)
