"""The numbers the papers publish, beside which our tables are printed.

Keys are our row keys (Table 1: method keys; Table 2: ``method/size`` groups; Table 3: method
keys and ``real``). Every pair is
(mean, ±) as printed. The SIG paper says its ± are standard errors of five runs, but some
cannot be (see :mod:`sigtut.experiments.report`): we read them as standard deviations.
"""
from __future__ import annotations

# SIG paper, Table 1 (2-D grid only; 50,000 samples, a mode counts with > 1,000 high-quality ones).
PAPER_TABLE1: dict[str, dict[str, tuple[float, float]]] = {
    "gan": {"modes": (4.0, 3.08), "hq": (0.36, 0.16), "kl": (2.87, 0.78)},
    "vae": {"modes": (25.0, 0.0), "hq": (0.83, 0.02), "kl": (0.32, 0.07)},
    "veegan": {"modes": (23.2, 0.84), "hq": (0.82, 0.03), "kl": (0.38, 0.08)},
    "unrolled": {"modes": (6.2, 8.6), "hq": (0.42, 0.13), "kl": (1.97, 0.60)},
    "sig": {"modes": (25.0, 0.0), "hq": (0.91, 0.04), "kl": (0.14, 0.07)},
}

# The peer papers' own 2-D claims in VEEGAN's convention (2,500 samples, >= 1 per mode), as
# printed in Table 1 of the BMS paper: (modes, hq share, source).
PEER_CLAIMS: dict[str, dict[str, tuple[float, float, str]]] = {
    "grid": {"veegan": (24.6, 0.40, "VEEGAN via BMS Table 1"), "bms": (25.0, 0.997, "BMS Table 1, T = 10")},
    "ring": {"veegan": (8.0, 0.529, "VEEGAN via BMS Table 1"), "bms": (8.0, 0.996, "BMS Table 1, T = 10")},
}

# SIG paper, Table 2 (Stacked MNIST; IS, exp H(y|x) and exp H(y) over the 10 digits, modes and KL
# over the 1,000 triples; 26,000 samples in VEEGAN's protocol).
PAPER_TABLE2: dict[str, dict[str, tuple[float, float]]] = {
    "dcgan/S": {"is": (2.9, 0.52), "hq": (0.63, 0.14), "exp_h_y_given_x": (1.96, 0.32),
                "exp_h_y": (5.1, 1.19), "modes": (21.0, 8.12), "kl": (4.99, 0.24)},
    "dcgan-si/S": {"is": (4.33, 0.59), "hq": (0.6, 0.07), "exp_h_y_given_x": (2.05, 0.2),
                   "exp_h_y": (8.78, 0.41), "modes": (279.2, 296.52), "kl": (2.63, 1.0)},
    "dcgan/M": {"is": (5.59, 0.36), "hq": (0.7, 0.03), "exp_h_y_given_x": (1.71, 0.09),
                "exp_h_y": (9.51, 0.31), "modes": (811.8, 116.24), "kl": (0.75, 0.35)},
    "dcgan-si/M": {"is": (5.93, 0.47), "hq": (0.72, 0.04), "exp_h_y_given_x": (1.65, 0.11),
                   "exp_h_y": (9.75, 0.11), "modes": (969.0, 29.19), "kl": (0.3, 0.13)},
    "dcgan/L": {"is": (4.71, 1.12), "hq": (0.67, 0.08), "exp_h_y_given_x": (1.78, 0.17),
                "exp_h_y": (8.25, 1.32), "modes": (389.8, 477.24), "kl": (2.95, 2.33)},
    "dcgan-si/L": {"is": (6.05, 0.68), "hq": (0.73, 0.06), "exp_h_y_given_x": (1.62, 0.17),
                   "exp_h_y": (9.75, 0.12), "modes": (957.0, 32.74), "kl": (0.36, 0.12)},
}

# SIG paper, Table 3 (CIFAR-10, the standard CNN, 100K iterations): Inception Score, mean ± as
# printed (the paper does not say whether ± spans the 10 splits of one run or several runs).
# "real" is the CIFAR-10 training set under the same score.
PAPER_TABLE3: dict[str, dict[str, tuple[float, float]]] = {
    "real": {"is": (11.24, 0.12)},
    "dcgan": {"is": (6.16, 0.14)},
    "dcgan-si": {"is": (6.85, 0.06)},
    "wgan-gp": {"is": (6.43, 0.07)},
    "wgan-gp-si": {"is": (6.67, 0.11)},
}
