"""DCGAN generator and discriminator for Stacked MNIST (paper Appendix C, Section 5.3, Table 2).

The appendix defines both networks with width knobs K_g and K_d and three sizes
S, M, L = (K_g, K_d) = (1, 0.5), (1, 1), (2, 1). Its table is partly garbled; we build
the closest sound network and record every deviation here:

Generator (z ~ N(0, I_256) -> 28 × 28 × 3)::

    =========================  ==================  =====================================
    Appendix C                 here                why
    =========================  ==================  =====================================
    FC 4·4·64                  same                -> 64 × 4 × 4
    TConv 64·K_g, k4, s1 VALID same                4 -> 7
    TConv 32·K_g, k4, s2 SAME  same (padding 1)    7 -> 14
    TConv 8·K_g, k4, s1 SAME   Conv k4 s1, SAME    a stride-1 transposed convolution is a
                               padding (1, 2)      convolution with a flipped kernel, so the
                                                   function class is the same
    Conv 3, k4, s2 SAME        TConv 3, k4, s2     the table's stride-2 *convolution* would
                               (padding 1)         give 7 × 7; a stride-2 transposed one gives
                                                   the 28 × 28 the data need
    =========================  ==================  =====================================

Discriminator (28 × 28 × 3 -> one logit): the table lists *transposed* convolutions,
which would enlarge the image; a discriminator reduces it, so we use convolutions with
the listed channels, kernels and strides: Conv 8·K_d k4 s2 VALID (28 -> 13), Conv 16·K_d
k4 s2 SAME (13 -> 7), Conv 32·K_d k4 s1 SAME (7 -> 7), flatten, fully connected -> 1.

TensorFlow's SAME padding with a 4 × 4 kernel pads 1 row/column before and 2 after
(total 3) in both places where it is needed here; PyTorch's symmetric ``padding=`` cannot,
so an explicit ``nn.ZeroPad2d((1, 2, 1, 2))`` reproduces it exactly.

The appendix names no activations or normalisation; we take DCGAN's (Radford et al.,
2016): batch normalisation and ReLU after every generator layer but the last, tanh at
the output (images live in [-1, 1]); LeakyReLU(0.2) in the discriminator with batch
normalisation after every convolution but the first; weights initialised N(0, 0.02²).
"""
from __future__ import annotations

from torch import Tensor, nn

from . import _checks

NOISE_DIM = 256
SIZES: dict[str, tuple[float, float]] = {"S": (1.0, 0.5), "M": (1.0, 1.0), "L": (2.0, 1.0)}


def _channels(base: int, k: float, name: str) -> int:
    width = int(round(base * k))
    if width < 1:
        raise ValueError(f"{name} = {k} gives {base}·{name} = {base * k} < 1 channel")
    return width


def _same_pad_k4() -> nn.ZeroPad2d:
    """TensorFlow SAME padding of a 4 × 4 kernel where the padding total is 3: 1 before, 2 after."""
    return nn.ZeroPad2d((1, 2, 1, 2))


def dcgan_init(module: nn.Module) -> None:
    """DCGAN initialisation: conv and linear weights ~ N(0, 0.02²); batch-norm scale ~ N(1, 0.02²)."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class DCGANGenerator(nn.Module):
    """T_φ of Appendix C: z (n, noise_dim) -> image (n, channels, 28, 28) in [-1, 1]."""

    def __init__(self, k_g: float = 1.0, noise_dim: int = NOISE_DIM, channels: int = 3) -> None:
        super().__init__()
        _checks.positive("k_g", k_g)
        self.noise_dim = _checks.positive_int("noise_dim", noise_dim)
        _checks.positive_int("channels", channels)
        c1, c2, c3 = (_channels(b, k_g, "k_g") for b in (64, 32, 8))
        self.fc = nn.Sequential(nn.Linear(noise_dim, 4 * 4 * 64), nn.BatchNorm1d(4 * 4 * 64), nn.ReLU())
        self.body = nn.Sequential(
            nn.ConvTranspose2d(64, c1, 4, stride=1, padding=0), nn.BatchNorm2d(c1), nn.ReLU(),   # 4 -> 7
            nn.ConvTranspose2d(c1, c2, 4, stride=2, padding=1), nn.BatchNorm2d(c2), nn.ReLU(),   # 7 -> 14
            _same_pad_k4(), nn.Conv2d(c2, c3, 4, stride=1), nn.BatchNorm2d(c3), nn.ReLU(),        # 14 -> 14
            nn.ConvTranspose2d(c3, channels, 4, stride=2, padding=1), nn.Tanh(),                  # 14 -> 28
        )
        self.apply(dcgan_init)

    def forward(self, z: Tensor) -> Tensor:
        return self.body(self.fc(z).view(-1, 64, 4, 4))


class DCGANDiscriminator(nn.Module):
    """D_γ of Appendix C: image (n, channels, 28, 28) -> logit (n, 1)."""

    def __init__(self, k_d: float = 1.0, channels: int = 3) -> None:
        super().__init__()
        _checks.positive("k_d", k_d)
        _checks.positive_int("channels", channels)
        c1, c2, c3 = (_channels(b, k_d, "k_d") for b in (8, 16, 32))
        self.body = nn.Sequential(
            nn.Conv2d(channels, c1, 4, stride=2, padding=0), nn.LeakyReLU(0.2),                  # 28 -> 13
            _same_pad_k4(), nn.Conv2d(c1, c2, 4, stride=2), nn.BatchNorm2d(c2), nn.LeakyReLU(0.2),  # 13 -> 7
            _same_pad_k4(), nn.Conv2d(c2, c3, 4, stride=1), nn.BatchNorm2d(c3), nn.LeakyReLU(0.2),  # 7 -> 7
            nn.Flatten(), nn.Linear(c3 * 7 * 7, 1),
        )
        self.apply(dcgan_init)

    def forward(self, x: Tensor) -> Tensor:
        return self.body(x)


def dcgan_pair(size: str = "M", noise_dim: int = NOISE_DIM, channels: int = 3) -> tuple[DCGANGenerator, DCGANDiscriminator]:
    """Generator and discriminator of size ``S``, ``M`` or ``L`` (Appendix C's (K_g, K_d))."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    k_g, k_d = SIZES[size]
    return DCGANGenerator(k_g, noise_dim, channels), DCGANDiscriminator(k_d, channels)
