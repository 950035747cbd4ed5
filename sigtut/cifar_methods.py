"""The four methods of the paper's Table 3 (Section 5.4) on the standard CNN, with their training settings.

DCGAN and WGAN-GP, each with and without the semi-implicit regulariser of eq. (12), all
on the generator and discriminator of :mod:`sigtut.cnn32`. The paper trains every model
for 100K iterations with mini-batches of 64 and Adam at learning rate 0.0002; it names
no other setting, so the rest comes from the base methods' papers:

- DCGAN, DCGAN-SI: the non-saturating GAN (eqs. 10–12), a discriminator with batch
  normalisation, Adam β = (0.5, 0.999) (Radford et al., 2016).
- WGAN-GP, WGAN-GP-SI: λ_gp = 10, 5 critic updates per generator update, a critic
  without batch normalisation, Adam β = (0.5, 0.9) (Gulrajani et al., 2017, their
  CIFAR-10 script). One iteration is one generator update; its five critic updates each
  see a batch of 64, so ``fit`` receives batches of 5 × 64 (see :mod:`sigtut.methods.wgan_gp`).
- The SI versions: p(x | θ) = N(x; θ, σ² I) over the D = 3,072 pixel values with σ = ``SIGMA``
  = 0.2 on images in [-1, 1] (a tenth of the pixel range: sharp enough that θ is an image,
  the value chosen for Stacked MNIST), and λ = 1/D (:func:`sigtut.methods.gan_si.per_pixel_lambda`),
  which makes λ·H_M a cross-entropy per pixel, on the scale of the GAN's loss in nats.
  A WGAN critic's loss has no fixed offset, so for WGAN-GP-SI only gradients compare: the
  penalty keeps the critic's near 1, and λ = 1/D gives H_M's gradient on one image a
  norm of order 0.1–1 (:meth:`~sigtut.methods.gan_si.SIRegularised.term_gradient_norms`
  measures both on a batch).
"""
from __future__ import annotations

import os

import torch
from torch import Tensor

from .cnn32 import IMAGE_SHAPE, NOISE_DIM, WIDTH, standard_cnn_pair
from .likelihoods import Normal
from .methods import GAN, GANSI, WGANGP, WGANGPSI
from .methods.gan_si import per_pixel_lambda
from .methods.wgan_gp import N_CRITIC
from .metrics.inception import to_uint8
from .runtime import seed_everything
from .train import History, Sampler, fit

METHODS = ("DCGAN", "DCGAN-SI", "WGAN-GP", "WGAN-GP-SI")
DATA_DIM = IMAGE_SHAPE[0] * IMAGE_SHAPE[1] * IMAGE_SHAPE[2]
SIGMA = 0.2
LR = 2e-4
BATCH_SIZE = 64
ITERATIONS = 100_000

# The paper's Table 3 is in sigtut.experiments.published (PAPER_TABLE3), by method key.


def _check(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return method


def si_lambda() -> float:
    """λ of the SI versions: 1/3,072, a cross-entropy per pixel value."""
    return per_pixel_lambda(DATA_DIM)


def build_method(method: str, width: int = WIDTH, noise_dim: int = NOISE_DIM) -> GAN:
    """A fresh DCGAN, DCGAN-SI, WGAN-GP or WGAN-GP-SI on the standard CNN of base width ``width``."""
    wgan = _check(method).startswith("WGAN")
    generator, discriminator = standard_cnn_pair(width, noise_dim, batch_norm=not wgan)
    nets = {"noise_dim": noise_dim, "generator": generator, "discriminator": discriminator}
    if method == "DCGAN":
        return GAN(DATA_DIM, **nets)
    if method == "DCGAN-SI":
        return GANSI(DATA_DIM, si_lambda(), Normal(SIGMA), **nets)
    if method == "WGAN-GP":
        return WGANGP(DATA_DIM, **nets)
    return WGANGPSI(DATA_DIM, si_lambda(), Normal(SIGMA), **nets)


def adam_betas(method: str) -> tuple[float, float]:
    """Adam's β of each method: DCGAN's (0.5, 0.999), WGAN-GP's (0.5, 0.9)."""
    return (0.5, 0.9) if _check(method).startswith("WGAN") else (0.5, 0.999)


def fit_batch_size(method: str, batch_size: int = BATCH_SIZE) -> int:
    """The batch ``fit`` must draw for one iteration at ``batch_size``: n_critic × batch_size for WGAN-GP."""
    return batch_size * N_CRITIC if _check(method).startswith("WGAN") else batch_size


def train_method(method: str, data: Tensor | Sampler, steps: int = ITERATIONS, batch_size: int = BATCH_SIZE,
                 width: int = WIDTH, seed: int = 0, device: torch.device | str | None = None,
                 checkpoint: str | os.PathLike | None = None, progress: bool = False,
                 lr: float = LR) -> tuple[GAN, History]:
    """Train one method for ``steps`` iterations on ``data`` (images in [-1, 1]); return it and its loss history.

    ``steps`` counts generator updates; ``batch_size`` is the images per update of each
    player (a WGAN-GP iteration draws five such batches). With a ``checkpoint`` file a run
    resumes where it stopped (see :func:`sigtut.train.fit`). ``lr`` is Adam's learning rate of
    both players (the paper's 0.0002).
    """
    seed_everything(seed)
    model = build_method(method, width)
    history = fit(model, data, steps=steps, batch_size=fit_batch_size(method, batch_size), lr=lr,
                  betas=adam_betas(method), seed=seed, device=device, checkpoint=checkpoint,
                  progress=progress, desc=f"{method} seed {seed}")
    return model, history


@torch.no_grad()
def generate(model: GAN, n: int, batch_size: int = 1000) -> Tensor:
    """n samples of a trained generator (in eval mode) as uint8 images (n, 3, 32, 32) on the CPU."""
    model.eval()
    return torch.cat([to_uint8(model.sample(min(batch_size, n - k))).cpu() for k in range(0, n, batch_size)])
