"""Quality and diversity metrics on Stacked MNIST (paper Section 5.3, eq. 13, Table 2).

A pre-trained MNIST classifier labels each of the three channels; a generated image x
gets the distribution over the 1,000 digit triples y = (a, b, c)

    p(y | x) = p(a | x_0) · p(b | x_1) · p(c | x_2),

the product of the three channels' softmax outputs. From it:

- ``is``: the Inception-style score of eq. (13), exp(H(y) − E_x H(y | x)), with p(y) the
  average of p(y | x) over the samples;
- ``exp_h_y_given_x`` = exp(E_x H(y | x)) (quality: lower is better) and
  ``exp_h_y`` = exp(H(y)) (diversity: higher is better);
- ``hq``: share of images whose most likely triple has p(y | x) > 0.7;
- ``modes``: number of triples that are the arg-max of at least one image;
- ``kl``: KL(P_g ‖ uniform) over the 1,000 triples, P_g the histogram of arg-max triples.

Why not torch-fidelity's Inception Score: it needs Inception-v3 weights downloaded from
the internet and scores ImageNet's 1,000 classes on natural (CIFAR-like) images; on
Stacked MNIST the meaningful classes are the digit triples, which only an MNIST
classifier can read. So eq. (13) is computed here directly over the 1,000 triples.
"""
from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from .. import _checks

N_TRIPLES = 1000
HQ_THRESHOLD = 0.7
DEFAULT_SAMPLES = 26_000   # VEEGAN's evaluation size, which the SIG paper follows


def _entropy(p: Tensor, dim: int = -1) -> Tensor:
    """Shannon entropy in nats, with 0 log 0 = 0."""
    return -(torch.special.xlogy(p, p)).sum(dim)


def triple_metrics(p_y_given_x: Tensor) -> dict[str, float]:
    """Table 2's metrics from the class distributions p(y | x), one row per image, shape (n, 1000).

    Rows must be probability vectors over the 1,000 triples (index 100a + 10b + c).
    """
    p = _checks.tensor("p_y_given_x", p_y_given_x, min_dim=2).double()
    if p.dim() != 2 or p.shape[1] != N_TRIPLES:
        raise ValueError(f"p_y_given_x must have shape (n, {N_TRIPLES}), got {tuple(p.shape)}")
    if (p < 0).any() or not torch.allclose(p.sum(1), torch.ones(p.shape[0], dtype=p.dtype), atol=1e-6):
        raise ValueError("p_y_given_x rows must be probability vectors (non-negative, summing to 1)")
    n = p.shape[0]
    mean_h_cond = float(_entropy(p).mean())                      # E_x H(y | x)
    h_marg = float(_entropy(p.mean(0)))                          # H(y), p(y) = E_x p(y | x)
    top_p, top = p.max(1)
    hist = torch.bincount(top, minlength=N_TRIPLES).double() / n  # P_g over the 1,000 triples
    return {
        "is": math.exp(h_marg - mean_h_cond),
        "hq": float((top_p > HQ_THRESHOLD).double().mean()),
        "exp_h_y_given_x": math.exp(mean_h_cond),
        "exp_h_y": math.exp(h_marg),
        "modes": int((hist > 0).sum()),
        "kl": float(math.log(N_TRIPLES) - _entropy(hist)),     # KL(P_g ‖ U) = log 1000 − H(P_g)
    }


@torch.no_grad()
def triple_probabilities(images: Tensor, classifier: nn.Module, batch_size: int = 1000) -> Tensor:
    """p(y | x) over the 1,000 triples for Stacked MNIST images (n, 3, 28, 28): shape (n, 1000).

    Each channel goes through the classifier as a one-channel MNIST image; the triple's
    probability is the product of the three channels' digit probabilities.
    """
    images = _checks.tensor("images", images, min_dim=4)
    if images.shape[1:] != (3, 28, 28):
        raise ValueError(f"images must have shape (n, 3, 28, 28), got {tuple(images.shape)}")
    _checks.positive_int("batch_size", batch_size)
    dev = next(classifier.parameters()).device
    out = []
    for start in range(0, images.shape[0], batch_size):
        chunk = images[start:start + batch_size].to(dev)
        m = chunk.shape[0]
        digit_p = classifier(chunk.reshape(m * 3, 1, 28, 28)).softmax(-1).reshape(m, 3, 10).double()
        joint = torch.einsum("na,nb,nc->nabc", digit_p[:, 0], digit_p[:, 1], digit_p[:, 2])
        out.append(joint.reshape(m, N_TRIPLES).cpu())
    return torch.cat(out)


def stacked_mnist_metrics(images: Tensor, classifier: nn.Module | None = None, n_samples: int | None = None) -> dict[str, float]:
    """IS (eq. 13), high-quality share, exp H(y|x), exp H(y), modes and KL of Table 2.

    Args:
        images: Stacked MNIST images (n, 3, 28, 28) in [-1, 1], real or generated.
        classifier: maps (N, 1, 28, 28) images to 10 digit logits; by default the
            shipped :func:`sigtut.classifier.load_mnist_classifier`.
        n_samples: evaluate the first ``n_samples`` images only (Table 2 uses 26,000,
            ``DEFAULT_SAMPLES``); by default all of them.

    Returns:
        dict with ``is``, ``hq``, ``exp_h_y_given_x``, ``exp_h_y``, ``modes``, ``kl``.
    """
    if classifier is None:
        from ..classifier import load_mnist_classifier

        classifier = load_mnist_classifier()
    if n_samples is not None:
        _checks.positive_int("n_samples", n_samples)
        if n_samples > images.shape[0]:
            raise ValueError(f"n_samples = {n_samples} exceeds the {images.shape[0]} images given")
        images = images[:n_samples]
    return triple_metrics(triple_probabilities(images, classifier))
