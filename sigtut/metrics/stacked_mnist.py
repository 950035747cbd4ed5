"""Quality and diversity metrics on Stacked MNIST (paper Section 5.3, eq. 13, Table 2).

A pre-trained MNIST classifier labels each of the three channels: image x gets, for
channel c, a distribution p_c(d | x) over the 10 digits, and over the 1,000 digit triples
y = (a, b, c) the product p(y | x) = p_0(a | x) · p_1(b | x) · p_2(c | x).

Which scale the paper's columns use. Table 2's exp(H(y)) never exceeds 10 (DCGAN-SI
reaches 9.75), and exp(H(y)) over the 1,000 triples is about 1,000 for real data, so the
paper's IS, exp(H(y|x)) and exp(H(y)) must be computed over the 10 digit classes. We read
them per channel and average over the three channels: each channel of real Stacked MNIST
is an MNIST digit, so each scores an IS just under 10, and so does their mean. The mode
count and the KL are over the 1,000 triples, as the column "Mode" (up to 1,000) shows.

- ``is``: eq. (13), exp(H(d) − E_x H(d | x)) per channel, p(d) the average of p_c(d | x)
  over the samples, averaged over the three channels (at most 10);
- ``exp_h_y_given_x`` = exp(E_x H(d | x)) (quality: lower is better) and
  ``exp_h_y`` = exp(H(d)) (diversity: higher is better), per channel and averaged;
- ``hq``: share of images whose most likely *triple* has p(y | x) > 0.7 (our reading of the
  paper's "probability larger than 0.7": the triple is the label of a Stacked MNIST
  image, and its probability is the product of the three channels' top probabilities);
- ``modes``: number of triples that are the arg-max of at least one image;
- ``kl``: KL(P_g ‖ uniform) over the 1,000 triples, P_g the histogram of arg-max triples;
- ``is_triples``, ``exp_h_y_given_x_triples``, ``exp_h_y_triples``: the same three scores
  over the 1,000 triples (up to 1,000; no paper number uses this scale).

Why not torch-fidelity's Inception Score: it needs Inception-v3 weights downloaded from
the internet and scores ImageNet's 1,000 classes on natural (CIFAR-like) images; on
Stacked MNIST the meaningful classes are digits, which only an MNIST classifier can read.
So eq. (13) is computed here directly.
"""
from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from .. import _checks

N_TRIPLES = 1000
N_DIGITS = 10
HQ_THRESHOLD = 0.7
DEFAULT_SAMPLES = 26_000   # VEEGAN's evaluation size, which the SIG paper follows


def _entropy(p: Tensor, dim: int = -1) -> Tensor:
    """Shannon entropy in nats, with 0 log 0 = 0."""
    return -(torch.special.xlogy(p, p)).sum(dim)


def _inception_scores(p: Tensor) -> tuple[float, float, float]:
    """IS (eq. 13), exp E_x H(y|x) and exp H(y) of class distributions p, shape (n, classes)."""
    mean_h_cond = float(_entropy(p).mean())                      # E_x H(y | x)
    h_marg = float(_entropy(p.mean(0)))                          # H(y), p(y) = E_x p(y | x)
    return math.exp(h_marg - mean_h_cond), math.exp(mean_h_cond), math.exp(h_marg)


def _probability_rows(name: str, p: Tensor, shape: tuple[int, ...]) -> Tensor:
    p = _checks.tensor(name, p, min_dim=2).double()
    if tuple(p.shape[1:]) != shape:
        raise ValueError(f"{name} must have shape (n, {', '.join(map(str, shape))}), got {tuple(p.shape)}")
    if p.shape[0] < 1:
        raise ValueError(f"{name} must hold at least one row")
    if (p < 0).any() or not torch.allclose(p.sum(-1), torch.ones(p.shape[:-1], dtype=p.dtype), atol=1e-6):
        raise ValueError(f"{name} rows must be probability vectors (non-negative, summing to 1)")
    return p


def triple_metrics(p_y_given_x: Tensor) -> dict[str, float]:
    """The triple-level metrics from p(y | x), one row per image, shape (n, 1000).

    Rows must be probability vectors over the 1,000 triples (index 100a + 10b + c).
    Returns ``hq``, ``modes``, ``kl`` (Table 2's columns) and the triple-scale scores
    ``is_triples``, ``exp_h_y_given_x_triples``, ``exp_h_y_triples``.
    """
    p = _probability_rows("p_y_given_x", p_y_given_x, (N_TRIPLES,))
    n = p.shape[0]
    is_, exp_h_cond, exp_h_marg = _inception_scores(p)
    top_p, top = p.max(1)
    hist = torch.bincount(top, minlength=N_TRIPLES).double() / n  # P_g over the 1,000 triples
    return {
        "is_triples": is_,
        "hq": float((top_p > HQ_THRESHOLD).double().mean()),
        "exp_h_y_given_x_triples": exp_h_cond,
        "exp_h_y_triples": exp_h_marg,
        "modes": int((hist > 0).sum()),
        "kl": float(math.log(N_TRIPLES) - _entropy(hist)),     # KL(P_g ‖ U) = log 1000 − H(P_g)
    }


def channel_metrics(p_digits: Tensor) -> dict[str, float]:
    """Table 2's IS, exp(H(y|x)) and exp(H(y)) on the 10-digit scale, per channel and averaged.

    Args:
        p_digits: p_c(d | x) for each image and channel, shape (n, 3, 10).

    Returns:
        dict with ``is``, ``exp_h_y_given_x`` and ``exp_h_y``, each the mean over the three
        channels of eq. (13)'s score and its two parts computed on that channel alone.
    """
    p = _probability_rows("p_digits", p_digits, (3, N_DIGITS))
    per_channel = [_inception_scores(p[:, c]) for c in range(3)]
    return {name: sum(scores[k] for scores in per_channel) / 3
            for k, name in enumerate(("is", "exp_h_y_given_x", "exp_h_y"))}


@torch.no_grad()
def digit_probabilities(images: Tensor, classifier: nn.Module, batch_size: int = 1000) -> Tensor:
    """p_c(d | x) of every channel of Stacked MNIST images (n, 3, 28, 28): shape (n, 3, 10).

    Each channel goes through the classifier as a one-channel MNIST image.
    """
    images = _checks.tensor("images", images, min_dim=4)
    if images.shape[1:] != (3, 28, 28):
        raise ValueError(f"images must have shape (n, 3, 28, 28), got {tuple(images.shape)}")
    if images.shape[0] < 1:
        raise ValueError("images must hold at least one image")
    _checks.positive_int("batch_size", batch_size)
    dev = next(classifier.parameters()).device
    out = []
    for start in range(0, images.shape[0], batch_size):
        chunk = images[start:start + batch_size].to(dev)
        m = chunk.shape[0]
        out.append(classifier(chunk.reshape(m * 3, 1, 28, 28)).softmax(-1).reshape(m, 3, N_DIGITS).double().cpu())
    return torch.cat(out)


def triples_from_digits(p_digits: Tensor) -> Tensor:
    """p(y | x) over the 1,000 triples (index 100a + 10b + c) from p_c(d | x): (n, 3, 10) -> (n, 1000)."""
    p = _probability_rows("p_digits", p_digits, (3, N_DIGITS))
    return torch.einsum("na,nb,nc->nabc", p[:, 0], p[:, 1], p[:, 2]).reshape(p.shape[0], N_TRIPLES)


@torch.no_grad()
def triple_probabilities(images: Tensor, classifier: nn.Module, batch_size: int = 1000) -> Tensor:
    """p(y | x) over the 1,000 triples for Stacked MNIST images (n, 3, 28, 28): shape (n, 1000).

    The triple's probability is the product of the three channels' digit probabilities.
    """
    return triples_from_digits(digit_probabilities(images, classifier, batch_size))


def stacked_mnist_metrics(images: Tensor, classifier: nn.Module | None = None, n_samples: int | None = None) -> dict[str, float]:
    """Table 2's IS (eq. 13), high-quality share, exp H(y|x), exp H(y), modes and KL.

    Args:
        images: Stacked MNIST images (n, 3, 28, 28) in [-1, 1], real or generated.
        classifier: maps (N, 1, 28, 28) images to 10 digit logits; by default the
            shipped :func:`sigtut.classifier.load_mnist_classifier`.
        n_samples: evaluate the first ``n_samples`` images only (Table 2 uses 26,000,
            ``DEFAULT_SAMPLES``); by default all of them.

    Returns:
        dict with ``is``, ``exp_h_y_given_x``, ``exp_h_y`` (10-digit scale, averaged over the
        channels), ``hq``, ``modes``, ``kl`` (1,000 triples) and the triple-scale scores
        ``is_triples``, ``exp_h_y_given_x_triples``, ``exp_h_y_triples`` (see the module docstring).
    """
    if classifier is None:
        from ..classifier import load_mnist_classifier

        classifier = load_mnist_classifier()
    if n_samples is not None:
        _checks.positive_int("n_samples", n_samples)
        if n_samples > images.shape[0]:
            raise ValueError(f"n_samples = {n_samples} exceeds the {images.shape[0]} images given")
        images = images[:n_samples]
    p_digits = digit_probabilities(images, classifier)
    return {**channel_metrics(p_digits), **triple_metrics(triples_from_digits(p_digits))}
