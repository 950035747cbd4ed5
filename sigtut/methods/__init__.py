"""Generative methods, all driven by :func:`sigtut.train.fit` through one interface."""
from .base import GenerativeMethod
from .gan import GAN
from .gan_si import GANSI
from .sig import SIG

__all__ = ["GAN", "GANSI", "GenerativeMethod", "SIG"]
