"""All seeds of one method trained as one batched model: S runs of :func:`sigtut.fit` in one pass.

The 2-D networks of Table 1 (two hidden layers of 100, paper Section 5.2) are so small that
a training step costs Python and kernel-launch overhead, not arithmetic. Stacking the S
seeds' parameters on a leading axis (``torch.func.stack_module_state``) and running the
networks with ``torch.func.vmap`` does the work of S steps in the launches of one.

Each member keeps everything its separate run has: its own initialisation (the caller
builds the S models, each after seeding with its seed), its own mini-batch stream
(a ``torch.Generator`` seeded with its seed, as in :func:`sigtut.fit`), its own noise
stream (a generator with the state the global RNG has in its separate run) and its own
Adam state (Adam is element-wise, so one Adam over the stacked tensors is S Adams). A
vectorised run therefore equals S separate runs up to float rounding: batched and
single matrix products round differently, and over many steps of an adversarial game
these differences grow like those between two machines. They grow fast once SIG's σ has
annealed to the components' std (float32 runs of a 50-step anneal part by 0.05 within 50
steps on some CPUs), so ``tests/test_vectorised.py`` checks 1e-5 after the first 50 steps
of a paper-length run, in float64.

Supported: :class:`~sigtut.methods.SIG` with a ``Normal`` likelihood (H_M, eq. 6, with its σ
schedule) and the plain :class:`~sigtut.methods.GAN` (eqs. 10–11, non-saturating generator
loss), the methods whose cost ranking the mode-collapse chapter discusses.
"""
from __future__ import annotations

import copy
import math
import os
import time
from collections.abc import Sequence
from pathlib import Path

import torch
from torch import Tensor, nn
from torch.func import functional_call, stack_module_state, vmap

from . import _checks
from .likelihoods import Normal
from .methods import GAN, SIG, GenerativeMethod
from .methods.gan import discriminator_loss, generator_loss
from .train import History, Sampler, TrainingDiverged, _check_adam


class StackedNet(nn.Module):
    """S copies of one network architecture, their parameters stacked on a leading axis of size S.

    ``forward(z)`` maps ``(S, n, *in)`` to ``(S, n, *out)``: member s applies its own weights
    to ``z[s]``.
    """

    def __init__(self, nets: Sequence[nn.Module]) -> None:
        super().__init__()
        params, buffers = stack_module_state(list(nets))
        self.names = list(params)
        self.stacked = nn.ParameterList([nn.Parameter(params[n].detach().clone()) for n in self.names])
        self.buffers_ = buffers
        self.base = copy.deepcopy(nets[0]).to("meta")     # the architecture only, no storage

    def forward(self, z: Tensor) -> Tensor:
        def one(params: dict[str, Tensor], buffers: dict[str, Tensor], zi: Tensor) -> Tensor:
            return functional_call(self.base, (params, buffers), (zi,))
        return vmap(one)(dict(zip(self.names, self.stacked)), self.buffers_, z)

    @torch.no_grad()
    def write_back(self, nets: Sequence[nn.Module]) -> None:
        """Copy member s's parameters into ``nets[s]`` (so each can sample and be scored alone)."""
        for s, net in enumerate(nets):
            own = dict(net.named_parameters())
            for name, p in zip(self.names, self.stacked):
                own[name].copy_(p[s])


def _alike(methods: Sequence[GenerativeMethod]) -> type:
    """The one supported class of ``methods``, checking they differ only in their weights."""
    if not isinstance(methods, (list, tuple)) or not methods:
        raise ValueError("methods must be a non-empty list of models, one per seed")
    kind = type(methods[0])
    if kind not in (SIG, GAN):
        raise TypeError(f"methods must be SIG or GAN models (the vectorised ones), got {kind.__name__}")
    for m in methods:
        if type(m) is not kind:
            raise TypeError(f"methods must all be {kind.__name__}, got a {type(m).__name__}")
    if kind is SIG:
        first = methods[0]
        if not isinstance(first.likelihood, Normal):
            raise TypeError(f"vectorised SIG needs a Normal likelihood, got {type(first.likelihood).__name__}")
        for m in methods[1:]:
            same = (repr(m.likelihood) == repr(first.likelihood) and m.n_theta == first.n_theta
                    and m.sigma_schedule == first.sigma_schedule and int(m.steps_done) == int(first.steps_done))
            if not same:
                raise ValueError("methods must share the likelihood, n_theta, sigma_schedule and steps done")
    return kind


def _normal_h_m(x: Tensor, theta: Tensor, neg_scale: Tensor, log_norm: Tensor) -> Tensor:
    """H_M of eq. (6) for each member: x ``(S, N, D)``, θ ``(S, M, D)`` -> ``(S,)``.

    -(1/N) Σ_i log (1/M) Σ_j N(x_i; θ_j, σ² I) with ``neg_scale`` = -1/(2σ²) and ``log_norm`` =
    (D/2) log(2πσ²) as 0-d tensors (so a compiled version is not recompiled when σ is
    annealed), from explicit differences, as :meth:`sigtut.likelihoods.Normal.pairwise_log_prob`
    computes it for D <= 8.
    """
    sq = (x[:, :, None, :] - theta[:, None, :, :]).square().sum(-1)           # (S, N, M)
    log_p = sq * neg_scale - log_norm                                         # log p(x_i | θ_j)
    return -(torch.logsumexp(log_p, dim=2) - math.log(theta.shape[1])).mean(1)   # (S,)


def _step(opt: torch.optim.Optimizer, losses: Tensor) -> None:
    """One Adam step of every member: the members' losses are independent, so ∇ Σ_s L_s = (∇ L_s)_s."""
    opt.zero_grad(set_to_none=True)
    losses.sum().backward()
    opt.step()


def fit_seeds(methods: Sequence[GenerativeMethod], data: Sampler, seeds: Sequence[int], steps: int,
              batch_size: int = 256, lr: float | dict[str, float] = 1e-3,
              betas: tuple[float, float] = (0.9, 0.999), checkpoint: str | os.PathLike | None = None,
              checkpoint_every: int = 1000, compile: bool = False) -> list[History]:
    """Train ``methods[s]`` as :func:`sigtut.fit` with ``seed=seeds[s]`` would, all at once; one history each.

    Args:
        methods: S freshly built SIG (Normal likelihood) or GAN models of one architecture,
            model s built after ``seed_everything(seeds[s])`` as for its separate run; they
            are trained in place.
        data: a sampler ``f(batch_size, generator) -> (batch_size, D)`` (an endless stream,
            e.g. :func:`sigtut.data.mixtures.mixture_sampler`); member s draws from a
            generator seeded with ``seeds[s]``.
        seeds: one distinct seed per model.
        steps, batch_size, lr, betas: as in :func:`sigtut.fit` (``lr`` may be a dict by group:
            ``model`` for SIG, ``generator`` and ``discriminator`` for the GAN).
        checkpoint: optional file to save to every ``checkpoint_every`` steps and at the end; when
            it exists, training resumes from it.
        compile: compile SIG's H_M with ``torch.compile`` (fuses its (S, N, M) element-wise work;
            about 20 s to compile on a CPU, then several times faster; needs a C++ compiler
            on a CPU). The compiled kernels round differently, so the runs then equal
            separate runs only in distribution.

    Returns:
        For each member, each loss's value at every step (``loss`` for SIG, ``d`` and ``g`` for the GAN).

    Raises:
        TrainingDiverged: when a member's loss becomes NaN or infinite, naming its seed and the step.
    """
    kind = _alike(methods)
    if not callable(data) or isinstance(data, Tensor):
        raise TypeError(f"data must be a sampler callable f(batch_size, generator), got {type(data).__name__}")
    seeds = [_checks.seed(s) for s in seeds]
    if len(seeds) != len(methods) or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be {len(methods)} distinct seeds, one per model, got {seeds}")
    _checks.positive_int("steps", steps)
    _checks.positive_int("batch_size", batch_size)
    _checks.positive_int("checkpoint_every", checkpoint_every)
    groups = ["model"] if kind is SIG else ["generator", "discriminator"]
    lrs = lr if isinstance(lr, dict) else {g: lr for g in groups}
    if set(lrs) != set(groups):
        raise ValueError(f"lr must give the groups {groups}, got {sorted(lrs)}")
    for g in groups:
        _check_adam(f"lr[{g!r}]", lrs[g], betas)

    dev = methods[0].device
    gen = StackedNet([m.generator for m in methods])
    nets = {"model": gen} if kind is SIG else {"generator": gen,
                                                "discriminator": StackedNet([m.discriminator for m in methods])}
    opts = {g: torch.optim.Adam(nets[g].parameters(), lr=float(lrs[g]), betas=tuple(betas)) for g in groups}
    batch_gens = [torch.Generator().manual_seed(s) for s in seeds]
    # the noise the separate run draws from the global RNG, which fit seeds with the run's seed
    noise_gens = [torch.Generator(device=dev).manual_seed(s) for s in seeds]
    histories: list[History] = [{} for _ in methods]
    start, seconds_before = 0, 0.0
    path = Path(checkpoint) if checkpoint is not None else None
    if path is not None and path.exists():
        state = torch.load(path, map_location=dev, weights_only=True)
        if state["step"] > steps or state["seeds"] != seeds:
            raise ValueError(f"checkpoint {path} is of other seeds or past steps = {steps}; delete it to restart")
        for g in groups:
            nets[g].stacked.load_state_dict(state["nets"][g])
            opts[g].load_state_dict(state["opts"][g])
        for gens, key in ((batch_gens, "batch_rng"), (noise_gens, "noise_rng")):
            for g_, s in zip(gens, state[key]):
                g_.set_state(s)
        histories, start, seconds_before = state["history"], state["step"], state["seconds"]
    clock = time.perf_counter()

    def noise(n: int) -> Tensor:                                               # (S, n, noise_dim)
        return torch.stack([torch.randn(n, methods[0].noise_dim, generator=g, device=dev)
                            for g in noise_gens])

    def save(step: int) -> None:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        torch.save({"step": step, "seeds": seeds, "seconds": seconds_before + time.perf_counter() - clock,
                    "nets": {g: nets[g].stacked.state_dict() for g in groups},
                    "opts": {g: opts[g].state_dict() for g in groups},
                    "batch_rng": [g.get_state() for g in batch_gens],
                    "noise_rng": [g.get_state() for g in noise_gens], "history": histories}, tmp)
        os.replace(tmp, path)

    first = methods[0]
    h_m = torch.compile(_normal_h_m) if compile else _normal_h_m
    for step in range(start, steps):
        x = torch.stack([data(batch_size, g) for g in batch_gens]).to(dev)    # (S, N, D)
        if not torch.isfinite(x).all():
            raise ValueError(f"the mini-batch of step {step + 1} of {steps} contains NaN or infinite values")
        if kind is SIG:
            sigma = first.sigma_schedule(step) if first.sigma_schedule is not None else first.likelihood.sigma
            theta = first.likelihood.link(gen(noise(first.n_theta)))          # (S, M, D)
            constants = (-0.5 / sigma**2, 0.5 * x.shape[-1] * math.log(2.0 * math.pi * sigma**2))
            loss = h_m(x, theta, *(torch.tensor(c, dtype=theta.dtype, device=dev) for c in constants))
            _step(opts["model"], loss)
            values = {"loss": loss.detach()}
        else:
            with torch.no_grad():
                fake = gen(noise(batch_size))                                 # (S, N, D)
            disc = nets["discriminator"]
            d_loss = vmap(discriminator_loss)(disc(x), disc(fake))            # (S,)
            _step(opts["discriminator"], d_loss)
            g_loss = vmap(generator_loss)(disc(gen(noise(batch_size))))      # (S,)
            _step(opts["generator"], g_loss)
            values = {"d": d_loss.detach(), "g": g_loss.detach()}
        rows = {k: v.tolist() for k, v in values.items()}
        for s, seed in enumerate(seeds):
            for name, v in rows.items():
                if not math.isfinite(v[s]):
                    raise TrainingDiverged(f"training diverged: loss {name!r} of seed {seed} became {v[s]} at "
                                           f"step {step + 1} of {steps}; try a smaller learning rate")
                histories[s].setdefault(name, []).append(v[s])
        if path is not None and ((step + 1) % checkpoint_every == 0 or step + 1 == steps):
            save(step + 1)
    gen.write_back([m.generator for m in methods])
    if kind is GAN:
        nets["discriminator"].write_back([m.discriminator for m in methods])
    else:
        for m in methods:
            m.steps_done.fill_(steps)
    for m in methods:
        m.eval()
    return histories


def seconds_of(checkpoint: str | os.PathLike) -> float:
    """The training seconds (all members together) stored in a :func:`fit_seeds` checkpoint."""
    return float(torch.load(Path(checkpoint), map_location="cpu", weights_only=True)["seconds"])
