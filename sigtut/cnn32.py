"""The "standard CNN" for 32 × 32 images of the SN-GAN and WGAN-GP CIFAR-10 experiments (paper Section 5.4, Table 3).

Table 3 of the paper names its networks "standard CNN": the DCGAN-like generator and
discriminator of Miyato et al. (2018, Table 3 and Appendix B), which also ran WGAN-GP with
them. The layer sequence below is that table's; the widths are those of the code the
SN-GAN authors released (pfnet-research/chainer-gan-lib, ``common/net.py``:
``DCGANGenerator`` and ``DCGANDiscriminator`` / ``WGANDiscriminator`` with ``ch = 512``),
written here for a base width ``width`` = ch.

Generator (z ~ N(0, I_128) -> 3 × 32 × 32 in [-1, 1]):

==============================  =====================  ===================================
layer                           output                 source
==============================  =====================  ===================================
dense, BN, ReLU                 width × 4 × 4          SN-GAN Table 3 ("dense → 4·4·512")
TConv k4 s2 p1, BN, ReLU        width/2 × 8 × 8        SN-GAN Table 3; chainer-gan-lib
TConv k4 s2 p1, BN, ReLU        width/4 × 16 × 16      SN-GAN Table 3; chainer-gan-lib
TConv k4 s2 p1, BN, ReLU        width/8 × 32 × 32      SN-GAN Table 3; chainer-gan-lib
Conv k3 s1 p1, tanh             3 × 32 × 32            SN-GAN Table 3 (the code's stride-1
                                                       3 × 3 deconvolution is the same
                                                       function class)
==============================  =====================  ===================================

Discriminator / critic (3 × 32 × 32 -> one logit or critic value):

==============================  =====================  ===================================
layer                           output                 source
==============================  =====================  ===================================
Conv k3 s1 p1, LReLU            width/8 × 32 × 32      SN-GAN Table 3; chainer-gan-lib
Conv k4 s2 p1, [BN], LReLU      width/4 × 16 × 16      widths of chainer-gan-lib
Conv k3 s1 p1, [BN], LReLU      width/4 × 16 × 16
Conv k4 s2 p1, [BN], LReLU      width/2 × 8 × 8
Conv k3 s1 p1, [BN], LReLU      width/2 × 8 × 8
Conv k4 s2 p1, [BN], LReLU      width × 4 × 4
Conv k3 s1 p1, [BN], LReLU      width × 4 × 4
dense                           1                      SN-GAN Table 3 ("dense → 1")
==============================  =====================  ===================================

[BN]: batch normalisation, used for the DCGAN rows (as chainer-gan-lib's
``DCGANDiscriminator``) and left out for WGAN-GP, whose gradient penalty is a per-image
quantity that batch statistics would couple across the batch (Gulrajani et al., 2017,
Section 4; their CIFAR-10 critic has none either). The LeakyReLU slope is 0.1, as
SN-GAN's Table 3 states (chainer's ``leaky_relu`` default in the released code is 0.2).
Weights start from N(0, 0.02²), the code's ``wscale``, as in :mod:`sigtut.dcgan`.

The widths of the discriminator's stride-2 layers could not be checked against the
SN-GAN paper's own table offline; they follow the released code.
"""
from __future__ import annotations

from torch import Tensor, nn

from . import _checks
from .dcgan import dcgan_init

NOISE_DIM = 128
WIDTH = 512
IMAGE_SHAPE = (3, 32, 32)
LEAKY_SLOPE = 0.1


def _width(width: int) -> int:
    _checks.positive_int("width", width)
    if width % 8:
        raise ValueError(f"width must be a multiple of 8 (the narrowest layer has width/8 channels), got {width}")
    return width


class StandardCNNGenerator(nn.Module):
    """The standard CNN generator: z (n, noise_dim) -> images (n, 3, 32, 32) in [-1, 1]."""

    def __init__(self, noise_dim: int = NOISE_DIM, width: int = WIDTH) -> None:
        super().__init__()
        self.noise_dim = _checks.positive_int("noise_dim", noise_dim)
        self.width = _width(width)
        w = width
        self.fc = nn.Sequential(nn.Linear(noise_dim, w * 4 * 4), nn.BatchNorm1d(w * 4 * 4), nn.ReLU())
        self.body = nn.Sequential(
            nn.ConvTranspose2d(w, w // 2, 4, stride=2, padding=1), nn.BatchNorm2d(w // 2), nn.ReLU(),        # 4 -> 8
            nn.ConvTranspose2d(w // 2, w // 4, 4, stride=2, padding=1), nn.BatchNorm2d(w // 4), nn.ReLU(),   # 8 -> 16
            nn.ConvTranspose2d(w // 4, w // 8, 4, stride=2, padding=1), nn.BatchNorm2d(w // 8), nn.ReLU(),   # 16 -> 32
            nn.Conv2d(w // 8, 3, 3, stride=1, padding=1), nn.Tanh(),
        )
        self.apply(dcgan_init)

    def forward(self, z: Tensor) -> Tensor:
        return self.body(self.fc(z).view(-1, self.width, 4, 4))


class StandardCNNDiscriminator(nn.Module):
    """The standard CNN discriminator: images (n, 3, 32, 32) -> (n, 1); ``batch_norm=False`` for a WGAN-GP critic."""

    def __init__(self, width: int = WIDTH, batch_norm: bool = True, slope: float = LEAKY_SLOPE) -> None:
        super().__init__()
        self.width = _width(width)
        if not isinstance(batch_norm, bool):
            raise TypeError(f"batch_norm must be a bool, got {type(batch_norm).__name__}")
        _checks.positive("slope", slope)
        w = width
        # (in, out, kernel, stride) of the seven convolutions
        convs = [(3, w // 8, 3, 1), (w // 8, w // 4, 4, 2), (w // 4, w // 4, 3, 1), (w // 4, w // 2, 4, 2),
                 (w // 2, w // 2, 3, 1), (w // 2, w, 4, 2), (w, w, 3, 1)]
        layers: list[nn.Module] = []
        for i, (c_in, c_out, k, s) in enumerate(convs):
            layers.append(nn.Conv2d(c_in, c_out, k, stride=s, padding=1))
            if batch_norm and i > 0:
                layers.append(nn.BatchNorm2d(c_out))
            layers.append(nn.LeakyReLU(slope))
        self.body = nn.Sequential(*layers, nn.Flatten(), nn.Linear(w * 4 * 4, 1))
        self.apply(dcgan_init)

    def forward(self, x: Tensor) -> Tensor:
        return self.body(x)


def standard_cnn_pair(width: int = WIDTH, noise_dim: int = NOISE_DIM, batch_norm: bool = True) -> tuple[StandardCNNGenerator, StandardCNNDiscriminator]:
    """A fresh generator and discriminator (``batch_norm=False``: a critic for WGAN-GP)."""
    return StandardCNNGenerator(noise_dim, width), StandardCNNDiscriminator(width, batch_norm)
