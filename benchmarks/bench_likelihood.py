"""Cost of the pairwise Gaussian log-density log N(x_i; θ_j, σ² I) against one bare matrix product.

Run by hand:  python benchmarks/bench_likelihood.py [--threads 2] [--repeats 30]

At N = M = 256 and D = 2352 (Stacked MNIST: 3 × 28 × 28) it prints the median wall time of
``Normal(σ).pairwise_log_prob`` (forward, float32, on the device of :func:`sigtut.device`)
over that of one bare GEMM x @ θᵀ of the same shapes. Target (issue 17): ≤ 1.5×, i.e. the
stable squared distances (centring and the explicit recomputation of close pairs) add at
most half a matrix product. A second line times the hard case of issue 17 (θ_j = x_j + 1e-3
noise, data offset 50, σ = 1e-3), where the N close pairs are recomputed explicitly.
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

N = M = 256
D = 2352


def median_seconds(fn, repeats: int, device: torch.device) -> float:
    for _ in range(3):
        fn()
    times = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    from sigtut import Normal, device

    dev = device()
    g = torch.Generator().manual_seed(0)
    x, theta = torch.rand(N, D, generator=g).to(dev), torch.rand(M, D, generator=g).to(dev)
    t_gemm = median_seconds(lambda: x @ theta.T, args.repeats, dev)
    t_ours = median_seconds(lambda: Normal(0.1).pairwise_log_prob(x, theta), args.repeats, dev)
    print(f"device {dev}, {args.threads} thread(s), N = M = {N}, D = {D}, median of {args.repeats}")
    print(f"pairwise log-prob {1e3 * t_ours:.2f} ms / bare GEMM {1e3 * t_gemm:.2f} ms = "
          f"{t_ours / t_gemm:.2f}x (target <= 1.5x)")
    close = (x + 50.0, x + 50.0 + 1e-3 * torch.randn(M, D, generator=g).to(dev))
    t_close = median_seconds(lambda: Normal(1e-3).pairwise_log_prob(*close), args.repeats, dev)
    print(f"hard case (theta_j = x_j + 1e-3 noise, offset 50, sigma 1e-3): {1e3 * t_close:.2f} ms "
          f"= {t_close / t_gemm:.2f}x the GEMM")


if __name__ == "__main__":
    main()
