"""Issue 17, item 4: the chunked log-marginal equals the direct one and holds only (chunk, chunk) blocks."""
import json
import math
import subprocess
import sys
import textwrap

import pytest
import torch

from sigtut import Bernoulli, Normal, Poisson, log_marginal, sig_cross_entropy


@pytest.mark.parametrize("chunk", [1, 3, 7, 64])
@pytest.mark.parametrize("likelihood, make", [
    (Normal(0.3), lambda t: t),
    (Poisson(), lambda t: (4 * t).round()),
    (Bernoulli(), lambda t: (t > 0.5).double()),
])
def test_chunked_equals_direct(chunk, likelihood, make):
    g = torch.Generator().manual_seed(0)
    x = make(torch.rand(11, 5, generator=g, dtype=torch.float64))
    theta = torch.rand(13, 5, generator=g, dtype=torch.float64) * 0.9 + 0.05
    direct = log_marginal(x, theta, likelihood)
    # the definition, term by term: log (1/M) Σ_m p(x_n | θ_m)
    logs = likelihood.pairwise_log_prob(x, theta)
    by_hand = torch.tensor([math.log(sum(math.exp(v) for v in row) / 13) for row in logs.tolist()],
                           dtype=torch.float64)
    torch.testing.assert_close(direct, by_hand, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(log_marginal(x, theta, likelihood, chunk=chunk), direct, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(sig_cross_entropy(x, theta, likelihood, chunk=chunk), -direct.mean())


def test_chunked_keeps_far_apart_log_scales():
    """A running log-sum-exp: blocks whose log-densities differ by 1e4 nats must not underflow."""
    x = torch.zeros(3, 1, dtype=torch.float64)
    theta = torch.tensor([[0.0], [100.0], [200.0], [300.0]], dtype=torch.float64)
    torch.testing.assert_close(log_marginal(x, theta, Normal(1.0), chunk=1), log_marginal(x, theta, Normal(1.0)))


def test_chunked_gradient_equals_direct():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(9, 4, generator=g, dtype=torch.float64)
    theta = torch.randn(10, 4, generator=g, dtype=torch.float64, requires_grad=True)
    (g_direct,) = torch.autograd.grad(sig_cross_entropy(x, theta, Normal(0.7)), theta)
    (g_chunked,) = torch.autograd.grad(sig_cross_entropy(x, theta, Normal(0.7), chunk=4), theta)
    torch.testing.assert_close(g_chunked, g_direct)


@pytest.mark.parametrize("chunk", [0, -2, 1.5, True])
def test_bad_chunk_is_named(chunk):
    with pytest.raises((ValueError, TypeError), match="chunk"):
        log_marginal(torch.zeros(2, 1), torch.zeros(3, 1), Normal(1.0), chunk=chunk)


def test_chunked_checks_its_arguments():
    with pytest.raises(ValueError, match="theta"):
        log_marginal(torch.zeros(2, 1), torch.zeros(0, 1), Normal(1.0), chunk=4)
    with pytest.raises(ValueError, match="x contains NaN"):
        log_marginal(torch.full((2, 1), math.nan), torch.zeros(3, 1), Normal(1.0), chunk=4)
    with pytest.raises(TypeError, match="likelihood"):
        log_marginal(torch.zeros(2, 1), torch.zeros(3, 1), "normal", chunk=4)


_PEAK_SCRIPT = textwrap.dedent("""
    import json, torch
    from sigtut import Normal, log_marginal

    def peak():   # this process's peak resident memory in bytes (Linux VmHWM)
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) * 1024 for l in status if l.startswith("VmHWM:"))

    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(0)
    x, theta = torch.randn(2_000, 1, generator=g), torch.randn(10_000, 1, generator=g)
    lik = Normal(0.1)
    with torch.no_grad():
        log_marginal(x[:64], theta[:64], lik, chunk=16)             # load the kernels first
        base = peak()
        chunked = log_marginal(x, theta, lik, chunk=512)
        after_chunked = peak()
        direct = log_marginal(x, theta, lik)
        after_direct = peak()
    print(json.dumps({"chunked": after_chunked - base, "direct": after_direct - base,
                      "max_diff": float((chunked - direct).abs().max())}))
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_chunked_peak_memory_is_bounded_by_the_block_not_by_n_times_m():
    """Peak resident memory in a fresh process: the chunked call grows it by far less than one
    (N, M) float32 matrix (80 MB here), the direct call (the control) by at least that much."""
    out = subprocess.run([sys.executable, "-c", _PEAK_SCRIPT], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    matrix = 2_000 * 10_000 * 4
    assert result["max_diff"] < 1e-4
    assert result["direct"] >= matrix, result           # the measurement sees an (N, M) matrix
    assert result["chunked"] < matrix / 4, result       # blocks of 512 x 512 are 1 MB (seen: 4-10 MB)
