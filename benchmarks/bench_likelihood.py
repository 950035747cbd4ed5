"""Cost of the pairwise Gaussian log-density log N(x_i; θ_j, σ² I) against one bare matrix product.

Run by hand:  python benchmarks/bench_likelihood.py [--threads 2] [--repeats 30]
(it imports the installed sigtut; to time a worktree, run it with PYTHONPATH=. from there)

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


def _seconds(fn, device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - t0


def median_seconds(fns: dict, repeats: int, device: torch.device) -> dict[str, float]:
    """Median wall time of each function, timed in turn within every repeat (interleaved), so
    that a change of load on a shared machine affects all of them alike."""
    for fn in fns.values():
        for _ in range(3):
            fn()
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for k, fn in fns.items():
            times[k].append(_seconds(fn, device))
    return {k: statistics.median(v) for k, v in times.items()}


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
    close = (x + 50.0, x + 50.0 + 1e-3 * torch.randn(M, D, generator=g).to(dev))
    t = median_seconds({
        "gemm": lambda: x @ theta.T,
        "ours": lambda: Normal(0.1).pairwise_log_prob(x, theta),
        "close": lambda: Normal(1e-3).pairwise_log_prob(*close),
    }, args.repeats, dev)
    print(f"device {dev}, {args.threads} thread(s), N = M = {N}, D = {D}, median of {args.repeats}")
    print(f"pairwise log-prob {1e3 * t['ours']:.2f} ms / bare GEMM {1e3 * t['gemm']:.2f} ms = "
          f"{t['ours'] / t['gemm']:.2f}x (target <= 1.5x)")
    print(f"hard case (theta_j = x_j + 1e-3 noise, offset 50, sigma 1e-3): {1e3 * t['close']:.2f} ms "
          f"= {t['close'] / t['gemm']:.2f}x the GEMM")

if __name__ == "__main__":
    main()
