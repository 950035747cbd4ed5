"""Table 1's cost: 5 seeds of SIG and of the GAN trained as one vectorised model against 5 separate runs.

Table 1's paper profile (batch 512, M = 512 draws of θ for SIG) trains tiny networks (two
hidden layers of 100, paper Section 5.2), so a step is mostly per-call overhead. This script
trains the seeds of one method for ``--steps`` steps both ways, with the same torch thread
count, and prints the wall times, the vectorised/sequential ratio (target: the vectorised
run >= 3x faster for 5 seeds on a 2-core CPU) and each method's time per step and seed, so
the mode-collapse chapter's ranking of the methods by cost is measured, not assumed.

usage: python benchmarks/bench_table1.py [--steps 2000] [--seeds 5] [--threads 1] [--methods sig gan]
"""
from __future__ import annotations

import argparse
import time

import torch

from sigtut import fit
from sigtut.data.mixtures import mixture_sampler
from sigtut.experiments.table1 import PROFILES, build, mixture_of
from sigtut.runtime import seed_everything
from sigtut.vectorised import fit_seeds

LRS = {"sig": 1e-3, "gan": {"generator": 1e-3, "discriminator": 1e-4}}   # the paper profile's


def fresh(method: str, seeds: list[int], steps: int) -> list:
    mixture = mixture_of("grid")
    models = []
    for s in seeds:
        seed_everything(s)
        models.append(build(method, mixture, steps))
    return models


def sequential(method: str, seeds: list[int], steps: int, batch: int) -> float:
    sampler = mixture_sampler(mixture_of("grid"))
    start = time.perf_counter()
    for s, model in zip(seeds, fresh(method, seeds, steps)):
        fit(model, sampler, steps, batch_size=batch, lr=LRS[method], betas=(0.5, 0.999), seed=s,
            device="cpu", progress=False)
    return time.perf_counter() - start


def vectorised(method: str, seeds: list[int], steps: int, batch: int, compile: bool = False) -> float:
    """Wall time of the vectorised run, including the compilation when ``compile``."""
    models = fresh(method, seeds, steps)
    start = time.perf_counter()
    fit_seeds(models, mixture_sampler(mixture_of("grid")), seeds, steps, batch_size=batch, lr=LRS[method],
              betas=(0.5, 0.999), compile=compile)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--methods", nargs="+", default=["sig", "gan"], choices=list(LRS))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    batch = PROFILES["paper"].batch_size
    seeds = list(range(args.seeds))
    print(f"grid, batch {batch}, {args.steps} steps, {args.seeds} seeds, cpu, {args.threads} thread(s)")
    print(f"{'method':14}{'sequential s':>14}{'vectorised s':>14}{'speed-up':>10}{'ms/step/seed':>14}")
    per = 1000 / (args.steps * args.seeds)
    for method in args.methods:
        t_seq = sequential(method, seeds, args.steps, batch)
        print(f"{method:14}{t_seq:14.1f}{'':>14}{'':>10}{t_seq * per:14.2f}   (sequential)")
        variants = [(method, False)] + ([(method + " compiled", True)] if method == "sig" else [])
        for label, compile in variants:
            t_vec = vectorised(method, seeds, args.steps, batch, compile)
            print(f"{label:14}{'':>14}{t_vec:14.1f}{t_seq / t_vec:9.2f}x{t_vec * per:14.2f}")
    print("target: speed-up >= 3x for 5 seeds on this 2-core CPU (compiled: compile time included)")


if __name__ == "__main__":
    main()
