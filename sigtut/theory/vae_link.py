"""SIG and the VAE (paper eqs. 8–9) on a discrete example, in exact arithmetic.

Read the atoms θ_a of a :class:`~sigtut.theory.lemma1.DiscreteExample` as a latent code z = a
with prior p(z = a) = w_a and decoder p(x | z = a) = p(x | θ_a). Then

* SIG fits the marginals, KL(p_data(x) || p_model(x))                         (eq. 9);
* the VAE fits the joints, KL(q(z | x) p_data(x) || p(x | z) p(z))  with an encoder q (eq. 8).

By the chain rule of KL, joint = marginal + E_{p_data(x)} KL(q(z | x) || p_model(z | x)), so
the VAE objective is never below SIG's, and equals it only with the model's exact posterior.
"""
from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from .lemma1 import DiscreteExample, likelihood_pmf

Table = tuple[tuple[sp.Expr, ...], ...]


def _joint_model(example: DiscreteExample) -> Table:
    """p_model(x, z = a) = w_a p(x | θ_a): one row per x in the support, one column per atom."""
    return tuple(tuple(w * likelihood_pmf(example.likelihood, x, a) for a, w in zip(example.atoms, example.weights))
                 for x in example.support)


def marginal_kl(example: DiscreteExample) -> sp.Expr:
    """KL(p_data(x) || ∫ p(x | z) p(z) dz), the quantity SIG minimises (eq. 9).

    The model's marginal is summed over the atoms; outside the example's support the data
    have no mass, so only the support contributes.
    """
    return sp.Add(*(p * sp.log(p / sp.Add(*row)) for p, row in zip(example.data_probs, _joint_model(example))))


def model_posterior(example: DiscreteExample) -> Table:
    """p_model(z = a | x) = w_a p(x | θ_a) / Σ_b w_b p(x | θ_b), the encoder that closes the gap."""
    return tuple(tuple(v / sp.Add(*row) for v in row) for row in _joint_model(example))


def _check_encoder(example: DiscreteExample, encoder: Sequence[Sequence[object]]) -> Table:
    if len(encoder) != len(example.support):
        raise ValueError(f"encoder must have one row per x ({len(example.support)}), got {len(encoder)}")
    table = tuple(tuple(sp.nsimplify(q) for q in row) for row in encoder)
    for i, row in enumerate(table):
        if len(row) != len(example.atoms):
            raise ValueError(f"encoder row {i} must have one entry per atom ({len(example.atoms)}), got {len(row)}")
        if any(q < 0 for q in row) or sp.simplify(sp.Add(*row) - 1) != 0:
            raise ValueError(f"encoder row {i} must be a probability vector, got {row}")
    return table


def joint_kl(example: DiscreteExample, encoder: Sequence[Sequence[object]]) -> sp.Expr:
    """KL(q(z | x) p_data(x) || p(x | z) p(z)), the quantity the VAE minimises (eq. 8).

    Args:
        example: data, prior weights and decoder atoms.
        encoder: q(z = a | x), one probability row per x in ``example.support``.
    """
    table = _check_encoder(example, encoder)
    terms = []
    for p, q_row, joint_row in zip(example.data_probs, table, _joint_model(example)):
        terms.extend(q * p * sp.log(q * p / j) for q, j in zip(q_row, joint_row) if q != 0)
    return sp.Add(*terms)
