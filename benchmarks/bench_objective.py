"""Cost of the SIG objective H_M (eq. 6) against a naive broadcast and a bare matrix product.

Run by hand:  python benchmarks/bench_objective.py [--threads 2] [--repeats 30]

For N = M ∈ {64, 256} and D = 2352 (Stacked MNIST: 3 × 28 × 28) it prints, as ratios,
- the median wall time of ``sig_cross_entropy`` (forward) over that of one bare matrix
  product x @ θᵀ of the same shapes, and over a naive (N, M, D) broadcast implementation;
- the extra peak memory of each implementation (peak resident memory growth measured in a
  fresh process on CPU; ``torch.cuda.max_memory_allocated`` on a GPU).
Target (issue 2): memory far below the N×M×D tensor; forward ≤ 1.5× one matrix product at N = M = 256.
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
import time

import torch

D = 2352
SIGMA = 0.1


def naive(x: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    """H_M with the (N, M, D) difference tensor: the memory-hungry textbook form."""
    sq = ((x[:, None, :] - theta[None, :, :]) ** 2).sum(-1)
    log_p = -sq / (2 * SIGMA**2) - 0.5 * x.shape[1] * math.log(2 * math.pi * SIGMA**2)
    return -(torch.logsumexp(log_p, 1) - math.log(theta.shape[0])).mean()


def ours(x: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    from sigtut import Normal, sig_cross_entropy

    return sig_cross_entropy(x, theta, Normal(SIGMA))


def matmul(x: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    return x @ theta.T


IMPLEMENTATIONS = {"sig_cross_entropy": ours, "naive_broadcast": naive, "bare_matmul": matmul}


def _inputs(n: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return torch.rand(n, D, generator=g).to(device), torch.rand(n, D, generator=g).to(device)


def time_it(fn, n: int, device: torch.device, repeats: int) -> float:
    x, theta = _inputs(n, device)
    for _ in range(3):
        fn(x, theta)
    times = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        fn(x, theta)
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _peak_rss_bytes() -> int:
    """This process's peak resident memory: VmHWM (per address space, reset by exec) where Linux
    offers it; ru_maxrss otherwise (which on Linux also carries the forking parent's peak)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def peak_memory_child(name: str, n: int, device_name: str) -> None:
    """Run one implementation once in this (fresh) process and print its extra peak memory in bytes."""
    device = torch.device(device_name)
    x, theta = _inputs(n, device)
    matmul(x[:2], theta[:2])  # load kernels before the baseline
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        IMPLEMENTATIONS[name](x, theta)
        print(torch.cuda.max_memory_allocated() - base)
    else:
        base = _peak_rss_bytes()
        IMPLEMENTATIONS[name](x, theta)
        print(max(_peak_rss_bytes() - base, 0))


def peak_memory(name: str, n: int, device: torch.device) -> int:
    out = subprocess.run(
        [sys.executable, __file__, "--child", name, str(n), str(device)], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.child:
        peak_memory_child(args.child[0], int(args.child[1]), args.child[2])
        return
    from sigtut import device as default_device

    device = default_device()
    print(f"device {device}, {args.threads} thread(s), D = {D}, median of {args.repeats}")
    results = []
    for n in (64, 256):
        t = {k: time_it(f, n, device, args.repeats) for k, f in IMPLEMENTATIONS.items()}
        mem = {k: peak_memory(k, n, device) for k in IMPLEMENTATIONS}
        nmd_bytes = n * n * D * 4
        row = {
            "N=M": n,
            "time_ours_over_matmul": t["sig_cross_entropy"] / t["bare_matmul"],
            "time_ours_over_naive": t["sig_cross_entropy"] / t["naive_broadcast"],
            "mem_ours_MiB": mem["sig_cross_entropy"] / 2**20,
            "mem_naive_MiB": mem["naive_broadcast"] / 2**20,
            "mem_ours_over_NxMxD_tensor": mem["sig_cross_entropy"] / nmd_bytes,
            "ms_ours": 1e3 * t["sig_cross_entropy"],
            "ms_matmul": 1e3 * t["bare_matmul"],
            "ms_naive": 1e3 * t["naive_broadcast"],
        }
        results.append(row)
        print(
            f"N=M={n:4d}: time ours/matmul {row['time_ours_over_matmul']:.2f}x, ours/naive {row['time_ours_over_naive']:.3f}x | "
            f"extra peak memory ours {row['mem_ours_MiB']:.1f} MiB vs naive {row['mem_naive_MiB']:.1f} MiB "
            f"(ours / N×M×D float32 tensor = {row['mem_ours_over_NxMxD_tensor']:.4f})"
        )
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
