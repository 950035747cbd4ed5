"""GAN-SI's extra cost: one DCGAN-SI training step against one DCGAN step at M = N = 64 (paper Section 3).

The paper claims the semi-implicit regulariser adds little computation: H_M needs one
(N, D) @ (D, M) product and a log-sum-exp over (N, M), next to the convolutions of both
networks. This script times one full training step (discriminator and generator
updates) of each method with the Appendix C networks and prints the ratio.

usage: python benchmarks/bench_gansi_step.py [--size M] [--batch 64] [--repeats 30] [--threads 1]
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

from sigtut.experiments.table2 import build
from sigtut.runtime import device


def step_seconds(method: str, size: str, batch: int, repeats: int, dev: torch.device) -> float:
    """Median wall time of one training step, after three warm-up steps."""
    torch.manual_seed(0)
    model = build(method, size, n_theta=batch).to(dev)
    opts = {k: torch.optim.Adam(v, lr=2e-4, betas=(0.5, 0.999)) for k, v in model.optimizer_groups().items()}
    x = torch.rand(batch, 3, 28, 28, device=dev) * 2 - 1
    times = []
    for i in range(repeats + 3):
        if dev.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        model.training_step(x, opts)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        if i >= 3:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="M", choices=["S", "M", "L"])
    parser.add_argument("--batch", type=int, default=64, help="N = M, data and generated images per step")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    dev = device()
    # interleave the two methods so that load from other processes hits both alike
    gan, gansi = [], []
    for _ in range(3):
        gan.append(step_seconds("dcgan", args.size, args.batch, args.repeats, dev))
        gansi.append(step_seconds("dcgan-si", args.size, args.batch, args.repeats, dev))
    t_gan, t_gansi = min(gan), min(gansi)
    print(f"size {args.size}, N = M = {args.batch}, {dev}, {args.threads} thread(s)")
    print(f"DCGAN step    {1000 * t_gan:8.1f} ms")
    print(f"DCGAN-SI step {1000 * t_gansi:8.1f} ms")
    print(f"ratio DCGAN-SI / DCGAN = {t_gansi / t_gan:.3f} (paper: little extra computation; target <= 1.2)")


if __name__ == "__main__":
    main()
