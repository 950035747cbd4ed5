"""Table 3's settings: its methods, profiles, training data, scorers and what the paper profile needs.

The paper profile (Section 5.4) trains on CIFAR-10 and scores with the Inception network;
the quick profile trains on :func:`~sigtut.data.synthetic_cifar10` and scores with the
injected :class:`~sigtut.data.SyntheticClassifier`, under its own metric names
(:data:`METRIC_KEYS`), so that no stored number of the quick profile can pass for an
Inception Score or an FID. :mod:`sigtut.experiments.table3` runs and stores the table.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from .. import cifar_methods
from ..cnn32 import WIDTH
from ..data._files import data_root
from ..data.cifar10 import TARBALL, TARBALL_MD5, URL, SyntheticClassifier, cifar10, cifar10_available
from ..data.cifar10 import synthetic_cifar10
from ..metrics.inception import INCEPTION, IS_SAMPLES, IS_SPLITS, ImageScore, frechet_distance, inception_missing
from ..metrics.inception import inception_score
from ..runtime import seed_everything
from .profiles import Profile


METHODS = {"dcgan": "DCGAN", "dcgan-si": "DCGAN-SI", "wgan-gp": "WGAN-GP", "wgan-gp-si": "WGAN-GP-SI"}


REAL = "real"


# the stored metric keys of each scorer: (score, distance to the training set)
METRIC_KEYS = {"inception": ("is", "fid"), "injected": ("score_injected", "distance_injected")}


class MissingRequirement(FileNotFoundError):
    """The paper profile's data or Inception network is not here; the message (one line) says what to do."""


@dataclass(frozen=True)
class Table3Profile(Profile):
    """A :class:`Profile` with what Table 3 adds: network width, splits, data and scorer.

    Attributes:
        width: base width of the standard CNN (512 in the paper).
        splits: splits of the IS-style score (10, the standard protocol).
        data: ``"cifar10"`` (the training set) or ``"synthetic"`` (:func:`synthetic_cifar10`).
        n_train: images of the synthetic set (ignored for CIFAR-10: all 50,000).
        scorer: ``"inception"`` (the Inception network) or ``"injected"`` (:class:`SyntheticClassifier`).
    """

    width: int = WIDTH
    splits: int = IS_SPLITS
    data: str = "cifar10"
    n_train: int = 0
    scorer: str = "inception"

    def __post_init__(self) -> None:
        if self.data not in ("cifar10", "synthetic"):
            raise ValueError(f"data must be 'cifar10' or 'synthetic', got {self.data!r}")
        if self.scorer not in METRIC_KEYS:
            raise ValueError(f"scorer must be one of {list(METRIC_KEYS)}, got {self.scorer!r}")
        if self.data == "synthetic" and self.n_train < 1:
            raise ValueError(f"n_train must be >= 1 for synthetic data, got {self.n_train!r}")
        if self.lr_generator != self.lr_discriminator:
            raise ValueError("Table 3 trains both players at one learning rate (the paper's 0.0002)")

    def header(self, steps: int) -> dict[str, Any]:
        """The stored settings: the base ones, Adam β per method, width, splits, data and scorer."""
        return {**super().header(steps),
                "betas": {k: list(cifar_methods.adam_betas(v)) for k, v in METHODS.items()},
                "width": self.width, "splits": self.splits, "data": data_record(self),
                "scorer": scorer_record(self.scorer)}


PROFILES: dict[str, Table3Profile] = {
    "quick": Table3Profile(steps=60, batch_size=32, seeds=2, n_eval=1_000, lr_generator=cifar_methods.LR,
                           lr_discriminator=cifar_methods.LR, eval_every=30, width=32, data="synthetic",
                           n_train=500, scorer="injected"),
    "paper": Table3Profile(steps=cifar_methods.ITERATIONS, batch_size=cifar_methods.BATCH_SIZE, seeds=1,
                           n_eval=IS_SAMPLES, lr_generator=cifar_methods.LR, lr_discriminator=cifar_methods.LR,
                           eval_every=25_000),
}


SYNTHETIC_SEED = 0    # the synthetic training set is synthetic_cifar10(n_train, seed=0)


def data_record(prof: Table3Profile) -> dict[str, Any]:
    """What a stored result says about its training data (and the reference of its distance)."""
    if prof.data == "cifar10":
        return {"name": "cifar10", "split": "train", "n": 50_000, "synthetic": False}
    return {"name": "synthetic_cifar10", "n": prof.n_train, "seed": SYNTHETIC_SEED, "synthetic": True,
            "note": "synthetic images in CIFAR-10's format (sigtut.data.synthetic_cifar10), not CIFAR-10"}


def extractor_name(scorer: str) -> str:
    """The network behind a scorer's numbers, as :class:`ImageScore` names it."""
    return INCEPTION if scorer == "inception" else SyntheticClassifier.__name__


def scorer_record(scorer: str) -> dict[str, Any]:
    """What a stored result says about its scores: the kind, the network and each metric's full name."""
    if scorer not in METRIC_KEYS:
        raise ValueError(f"scorer must be one of {list(METRIC_KEYS)}, got {scorer!r}")
    extractor = extractor_name(scorer)
    score_key, distance_key = METRIC_KEYS[scorer]
    out = {"kind": scorer, "extractor": extractor,
           "metrics": {score_key: ImageScore("IS", 0.0, None, 0, extractor).name,
                       distance_key: ImageScore("FID", 0.0, None, 0, extractor).name}}
    if scorer == "injected":
        out["note"] = ("scores under an injected extractor on synthetic data: "
                       "not an Inception Score, not an FID, not comparable with the paper's Table 3")
    return out


def label(group: str) -> str:
    """The paper's name of a row: ``"wgan-gp-si"`` -> ``"WGAN-GP-SI"``, ``"real"`` -> ``"Real data"``."""
    if group == REAL:
        return "Real data"
    if group not in METHODS:
        raise ValueError(f"group must be one of {[REAL, *METHODS]}, got {group!r}")
    return METHODS[group]


def training_data(prof: Table3Profile) -> Tensor:
    """The training images in [-1, 1]: CIFAR-10's training set, or the synthetic stand-in."""
    if prof.data == "cifar10":
        return cifar10(train=True)[0]
    return synthetic_cifar10(prof.n_train, seed=SYNTHETIC_SEED)[0]


def feature_of(prof: Table3Profile) -> SyntheticClassifier | None:
    """The network a profile scores with: None (the Inception network) or the injected classifier."""
    return None if prof.scorer == "inception" else SyntheticClassifier()


def score(samples: Tensor, reference: Tensor, prof: Table3Profile, seed: int = 0) -> dict[str, Any]:
    """The IS-style score (mean and s.d. over ``prof.splits``) of ``samples`` and their distance to ``reference``.

    Stored under the scorer's own keys (:data:`METRIC_KEYS`): ``is``/``fid`` only for the
    Inception network, ``score_injected``/``distance_injected`` for an injected extractor.
    """
    feature = feature_of(prof)
    s = inception_score(samples, feature=feature, splits=prof.splits, seed=seed)
    d = frechet_distance(samples, reference, feature=feature)
    if s.extractor != extractor_name(prof.scorer):
        raise ValueError(f"the score came from {s.extractor!r}, expected {extractor_name(prof.scorer)!r}")
    score_key, distance_key = METRIC_KEYS[prof.scorer]
    return {score_key: s.value, f"{score_key}_split_sd": s.std, distance_key: d.value, "extractor": s.extractor}


def spec_profile(spec: dict[str, Any]) -> Table3Profile:
    """The profile a job's spec describes (one seed)."""
    data = spec["data"]
    return Table3Profile(steps=spec["steps"], batch_size=spec["batch_size"], seeds=1, n_eval=spec["n_eval"],
                         lr_generator=spec["lr"]["generator"], lr_discriminator=spec["lr"]["discriminator"],
                         eval_every=spec["eval_every"], width=spec["width"], splits=spec["splits"],
                         data="synthetic" if data["synthetic"] else "cifar10", n_train=data["n"],
                         scorer=spec["scorer"]["kind"])


def real_row(prof: Table3Profile, data: Tensor) -> dict[str, Any]:
    """The score of (up to ``n_eval``) training images: the paper's "Real data" row, under the same scorer."""
    seed_everything(12_345)
    n = min(prof.n_eval, data.shape[0])
    images = data[torch.randperm(data.shape[0])[:n]]
    feature = feature_of(prof)
    s = inception_score(images, feature=feature, splits=prof.splits)
    score_key = METRIC_KEYS[prof.scorer][0]
    return {score_key: s.value, f"{score_key}_split_sd": s.std, "n_images": n, "extractor": s.extractor}


def missing_requirements(prof: Table3Profile) -> str | None:
    """What a profile needs and this machine lacks, in one line (None when nothing is missing)."""
    reasons = []
    if prof.data == "cifar10" and not cifar10_available():
        folder = data_root() / "cifar10"
        reasons.append(f"CIFAR-10 is not in {folder}: put {TARBALL} (from {URL}, MD5 {TARBALL_MD5}) or the "
                       f"cifar-10-batches-py/ folder it extracts to there, or set SIGTUT_DATA to a folder "
                       f"whose cifar10/ subfolder holds it")
    if prof.scorer == "inception":
        why = inception_missing()
        if why:
            reasons.append(f"the Inception Score needs torch-fidelity and its weights: {why}")
    if not reasons:
        return None
    return "; ".join(reasons).replace("\n", " ")


def check_requirements(prof: Table3Profile, profile_name: str) -> None:
    """Stop before any training when the profile's data or scorer is missing (:class:`MissingRequirement`)."""
    why = missing_requirements(prof)
    if why:
        raise MissingRequirement(f"the {profile_name} profile of Table 3 cannot run here: {why}. "
                                 "Nothing was trained.")
