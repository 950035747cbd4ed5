"""GAN-SI's regulariser on the Gaussian toy model: Algorithm 1's printed sign, and the 1/M bias of H_M."""
import pytest

from sigtut.theory import gansi


def test_algorithm_1_as_printed_lowers_the_likelihood_and_the_corrected_sign_raises_it():
    steps = gansi.algorithm1_steps(eta=0.1, lam=1.0, mu=1.0, sigma=1.0)
    assert float(steps["printed"]) < float(steps["before"]) < float(steps["corrected"])
    # by hand: log N(0; μ, 1) = −μ²/2 + const; the printed step moves μ from 1 to 1.1, the corrected to 0.9
    assert float(steps["before"] - steps["printed"]) == pytest.approx(1.1**2 / 2 - 0.5)
    assert float(steps["corrected"] - steps["before"]) == pytest.approx(0.5 - 0.9**2 / 2)


def test_h_m_gradient_is_biased_like_one_over_m():
    exact = gansi.cross_entropy_gradient(1.0, 1.0, 1.0)                  # μ / (s² + σ²) = 0.5
    g1 = gansi.h_m_gradient(1, 1.0, 1.0, 1.0, repeats=1500)
    assert g1 == pytest.approx(1.0, abs=0.08)                          # μ/σ² at M = 1
    assert g1 / exact - 1 == pytest.approx(gansi.h_m_gap_at_m1(1.0, 1.0), abs=0.16)
    gaps = [gansi.h_m_gradient(m, 1.0, 1.0, 1.0, repeats=800) - exact for m in (4, 16)]
    assert gaps[0] > gaps[1] > 0                                      # an upper bound's gradient, shrinking
    assert gaps[1] < 0.5 * gaps[0]                                    # roughly 1/M: quartered M, a quarter gap
    with pytest.raises(ValueError, match="M"):
        gansi.h_m_gradient(0, 1.0, 1.0, 1.0)
