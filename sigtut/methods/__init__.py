"""Generative methods, all driven by :func:`sigtut.train.fit` through one interface."""
from .base import GenerativeMethod
from .bms import BMSVAEGAN
from .gan import GAN
from .gan_si import GANSI
from .mdgan import ManifoldDiffusionGAN, ModeRegularizedGAN
from .sig import SIG
from .unrolled import UnrolledGAN
from .vae import VAE
from .veegan import VEEGAN
from .wgan_gp import WGANGP, WGANGPSI

__all__ = [
    "BMSVAEGAN", "GAN", "GANSI", "GenerativeMethod", "ManifoldDiffusionGAN", "ModeRegularizedGAN", "SIG", "UnrolledGAN", "VAE", "VEEGAN",
    "WGANGP", "WGANGPSI",
]
