"""Student hand-outs (`python -m sigtut assign`), exercise checks and the grader (`grade`)."""
import math
import re

import nbformat
import pytest
import torch

from sigtut import exercises, handout, notebooks
from sigtut.__main__ import main as cli

CHAPTERS = [md.stem for md in notebooks.chapter_sources() if "{exercise}" in md.read_text()]


def _solution_fragments(nb):
    """Lines of solution text and solution code in the book's notebook (long enough to be specific)."""
    out = []
    for cell in nb.cells:
        if notebooks.SOLUTION_TAG in cell.metadata.get("tags", []):
            out += cell.source.splitlines()[1:]               # past the '#@title' line
        elif cell.cell_type == "markdown":
            for block in re.findall(r"<summary><b>Solution.*?</summary>(.*?)</details>", cell.source, re.S):
                out += block.splitlines()
    return [line.strip() for line in out if len(line.strip()) > 25]


@pytest.fixture(scope="module")
def book():
    return notebooks.collect_book()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_hand_out_has_no_solution_text_and_keeps_every_check(chapter, book):
    md = handout.chapter_path(chapter)
    full = notebooks.build_notebook(md, book, notebooks.book_config()["repository"]["url"], "main")
    student = handout.student_notebook(chapter)
    text = "\n".join(c.source for c in student.cells)
    fragments = _solution_fragments(full)
    assert fragments, f"{chapter}: no solution found to remove"
    assert not [f for f in fragments if f in text]
    assert "Solution" not in text.replace("solution", "")  # no '<b>Solution' heading left
    assert not any(notebooks.SOLUTION_TAG in c.metadata.get("tags", []) for c in student.cells)
    checks = [c for c in student.cells if handout.CHECK_TAG in c.metadata.get("tags", [])]
    assert [c.source for c in checks] == [
        c.source for c in full.cells if handout.CHECK_TAG in c.metadata.get("tags", [])]
    assert {handout.check_label(c) for c in checks} <= set(exercises.CHECKS)
    answers = [c for c in student.cells if handout.ANSWER_TAG in c.metadata.get("tags", [])]
    assert len(answers) >= len({handout.check_label(c) for c in checks})


def test_every_exercise_with_code_has_a_check_in_its_chapter():
    labels = set()
    for md in notebooks.chapter_sources():
        labels |= set(re.findall(r"""check\(\s*"([\w-]+)\"""", md.read_text()))
    assert labels == set(exercises.CHECKS)


def _tiny_notebook():
    exercise = "**Exercise 1.** Find the m of a KL of 0.14."
    solution = ("<details>\n<summary><b>Solution to Exercise 1</b> (click to open)</summary>\n\n"
                "Solve the closed form for m and evaluate it.\n\n</details>")
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import math"),
        nbformat.v4.new_markdown_cell(exercise + "\n\n" + solution),
        nbformat.v4.new_code_cell("#@title Solution code\nm_paper = 25 * math.exp(-0.14) / (1 - math.exp(-4.5))",
                                  metadata={"tags": [notebooks.SOLUTION_TAG]}),
        nbformat.v4.new_code_cell('from sigtut.exercises import check\n\ncheck("ex-mixtures-kl", m_paper=m_paper)',
                                  metadata={"tags": [handout.CHECK_TAG]}),
    ])


def test_grader_gives_the_reference_full_marks_and_a_blank_hand_out_zero(tmp_path):
    reference = _tiny_notebook()
    assert handout.grade(reference, cwd=tmp_path) == {"ex-mixtures-kl": (1, 1)}
    blank = handout.strip_solutions(reference)
    assert "closed form" not in "\n".join(c.source for c in blank.cells)
    assert handout.grade(blank, cwd=tmp_path) == {"ex-mixtures-kl": (0, 1)}   # runs, scores zero
    answer = next(c for c in blank.cells if handout.ANSWER_TAG in c.metadata.get("tags", []))
    answer.source += "m_paper = 20.0\n"                                       # a wrong answer
    assert handout.grade(blank, cwd=tmp_path) == {"ex-mixtures-kl": (0, 1)}
    answer.source += "m_paper = 25 * math.exp(-0.14) / (1 - math.exp(-4.5))\n"
    assert handout.grade(blank, cwd=tmp_path) == {"ex-mixtures-kl": (1, 1)}


def test_grade_command_prints_scores(tmp_path, capsys):
    path = tmp_path / "student.ipynb"
    nbformat.write(handout.strip_solutions(_tiny_notebook()), path)
    assert cli(["grade", str(path), "--cwd", str(tmp_path)]) == 0
    assert "ex-mixtures-kl: 0/1" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli(["grade", str(tmp_path / "missing.ipynb")])


def test_assign_command_writes_the_hand_out(tmp_path, capsys):
    assert cli(["assign", "02_objective", "--out", str(tmp_path)]) == 0
    nb = nbformat.read(tmp_path / "02_objective.ipynb", as_version=4)
    assert any(handout.CHECK_TAG in c.metadata.get("tags", []) for c in nb.cells)
    assert "ex-hm-rate" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli(["assign", "02_objectives", "--out", str(tmp_path)])
    assert "chapter must be one of" in capsys.readouterr().err


def test_check_accepts_right_answers_and_names_wrong_ones_without_the_key():
    m = 25 * math.exp(-0.14) / (1 - math.exp(-4.5))
    exercises.check("ex-mixtures-kl", m_paper=m)
    with pytest.raises(exercises.ExerciseIncorrect, match="m_paper is not correct yet") as err:
        exercises.check("ex-mixtures-kl", m_paper=m * 1.01)
    assert f"{m:.2f}" not in str(err.value)
    with pytest.raises(ValueError, match="label must be one of"):
        exercises.check("ex-nope", x=1)
    with pytest.raises(TypeError, match="ex-mixtures-kl"):
        exercises.check("ex-mixtures-kl", m=m)
    exercises.check("ex-single-gaussian", variance=4.16,
                    cross_entropy=0.5 * math.log(2 * math.pi * math.e * 4.16))
    p = [0.5] + [0.5 / 999] * 999
    h = -sum(q * math.log(q) for q in p)
    exercises.check("ex-stacked-modes", kl=math.log(1000) - h, modes=1000, exp_h_y=math.exp(h))
    with pytest.raises(exercises.ExerciseIncorrect, match="modes"):
        exercises.check("ex-stacked-modes", kl=math.log(1000) - h, modes=999, exp_h_y=math.exp(h))
    exercises.check("ex-cifar-is-classes", six_classes=6, ten_classes=10)
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check("ex-cifar-is-classes", six_classes=6, ten_classes=1000)


def test_checks_of_threshold_and_gradient_exercises_use_their_own_route():
    from sigtut import theory

    u, v = (float(t) for t in theory.corollary1_uv(5.0, 2))
    r = v / (u - v)
    closed = {K: 100 * (K - 1) * r / (1 + (K - 1) * r) for K in (5, 25, 100)}   # the solution's form
    exercises.check("ex-tiny-mode", thresholds=closed)
    with pytest.raises(exercises.ExerciseIncorrect, match=r"thresholds\[25\]"):
        exercises.check("ex-tiny-mode", thresholds={**closed, 25: closed[25] * 1.001})

    def right(xs, thetas, s):
        r = torch.softmax(-torch.cdist(xs, thetas).square() / (2 * s**2), dim=1)
        return -(r.unsqueeze(2) * (xs.unsqueeze(1) - thetas.unsqueeze(0))).sum(0) / (len(xs) * s**2)

    exercises.check("ex-mixtures-responsibilities", gradient_by_hand=right)
    with pytest.raises(exercises.ExerciseIncorrect):       # forgot the responsibilities
        exercises.check("ex-mixtures-responsibilities",
                        gradient_by_hand=lambda xs, th, s: -(xs.unsqueeze(1) - th).sum(0) / (len(xs) * s**2))
    g_gan, g_sig = torch.tensor([3.0, 0.0]), torch.tensor([0.0, 0.5])
    exercises.check("ex-gansi-lambda", lam_star=6.0, g_gan=g_gan, g_sig=g_sig)
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check("ex-gansi-lambda", lam_star=1.0, g_gan=g_gan, g_sig=g_sig)


def test_checks_of_the_chapter_1_2_and_8_exercises():
    import sympy as sp

    sigma, tau = sp.symbols("sigma tau", positive=True)
    exercises.check("ex-gaussian-marginal", marginal_variance=sigma**2 + tau**2)
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check("ex-gaussian-marginal", marginal_variance=sigma * tau)
    exercises.check("ex-ideal-theta", within_mode_sd=math.sqrt(0.15))
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check("ex-ideal-theta", within_mode_sd=0.4)

    def right(x, theta):
        log_p = x @ theta.log().T + (1 - x) @ (1 - theta).log().T
        return -(torch.logsumexp(log_p, 1) - math.log(theta.shape[0])).mean()

    exercises.check("ex-my-h-m", h_m_bernoulli=right)
    naive = lambda x, theta: -torch.log(torch.exp(x @ theta.log().T + (1 - x) @ (1 - theta).log().T)
                                        .mean(1)).mean()
    with pytest.raises(exercises.ExerciseIncorrect, match="1000"):    # underflows at D = 1000
        exercises.check("ex-my-h-m", h_m_bernoulli=naive)
    exercises.check("ex-gp-linear", penalty=(0.05 * math.sqrt(3072) - 1) ** 2)
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check("ex-gp-linear", penalty=0.05 * math.sqrt(3072) - 1)
    exercises.check("ex-fid-gaussians", fid=5.0)
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check("ex-fid-gaussians", fid=4.0)
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check("ex-h1-bits", h1=0.5)


def _rejects(label, **answers):
    with pytest.raises(exercises.ExerciseIncorrect):
        exercises.check(label, **answers)


def test_two_modes_check():
    exercises.check("ex-two-modes", share_1=67 / 90)          # eq. (15) with K = 2
    _rejects("ex-two-modes", share_1=0.7)                     # the data share, no bias


def test_critical_separation_check():
    c = math.sqrt(24 * math.log(2))                           # e^{c²/6} = 16
    exercises.check("ex-critical-separation", c_star=c, sigma_star=2 / c)
    _rejects("ex-critical-separation", c_star=4.0, sigma_star=0.5)
    _rejects("ex-critical-separation", c_star=c, sigma_star=c / 2)


def test_water_filling_check():
    import numpy as np

    from sigtut import theory

    exercises.check("ex-water-filling", water_filling=theory.theorem1_optimum)

    def clipped(n, u, v):                                     # clips (15) without re-solving
        n = np.asarray(n, dtype=float)
        s = np.maximum(n / n.sum() + (n / n.sum() - 1 / len(n)) * len(n) * v / (u - v), 0)
        return s / s.sum()
    _rejects("ex-water-filling", water_filling=clipped)
    _rejects("ex-water-filling", water_filling=lambda n, u, v: [1 / len(n)] * len(n))


def test_nb_moments_check():
    import sympy as sp

    r, beta = sp.symbols("r beta", positive=True)
    exercises.check("ex-nb-moments", p0_expr=(beta / (1 + beta)) ** r,
                    var_expr=r / beta + r / beta**2)
    _rejects("ex-nb-moments", p0_expr=(beta / (1 + beta)) ** r, var_expr=r / beta)  # Poisson's
    _rejects("ex-nb-moments", p0_expr=sp.exp(-r / beta), var_expr=r / beta + r / beta**2)
    _rejects("ex-nb-moments", p0_expr=sp.Symbol("p") ** r, var_expr=r / beta + r / beta**2)


def test_toy_exact_pmf_check():
    import numpy as np
    from scipy import stats

    def log_space(theta, k_max):
        k = torch.arange(k_max + 1, dtype=torch.float64)
        rate = theta.double().reshape(-1, 1)
        return torch.logsumexp(torch.xlogy(k, rate) - rate - torch.lgamma(k + 1), 0).exp() / len(rate)

    def overflows(theta, k_max):                           # θ^k / k! overflows for large θ, k
        k = torch.arange(k_max + 1, dtype=torch.float64)
        rate = theta.double().reshape(-1, 1)
        return (rate**k * torch.exp(-rate) / torch.exp(torch.lgamma(k + 1))).mean(0)

    theta = torch.distributions.Gamma(2.0, 1.0).sample((500, 1))
    tv = 0.5 * np.abs(log_space(theta, 100).numpy() - stats.nbinom(2, 0.5).pmf(np.arange(101))).sum()
    exercises.check("ex-toy-exact-pmf", model_pmf=log_space, tv_exact=tv, theta=theta)
    _rejects("ex-toy-exact-pmf", model_pmf=overflows, tv_exact=tv, theta=theta)
    _rejects("ex-toy-exact-pmf", model_pmf=log_space, tv_exact=tv * 1.01, theta=theta)


def test_hq_radius_check():
    import sympy as sp

    rho = sp.Symbol("rho", positive=True)
    right = dict(hq_expr=1 - sp.exp(-rho**2 / 2), rho_99=2 * math.sqrt(math.log(10)),
                 hq_wider=1 - math.exp(-2))
    exercises.check("ex-hq-radius", **right)
    _rejects("ex-hq-radius", **{**right, "hq_expr": 1 - sp.exp(-rho**2)})
    _rejects("ex-hq-radius", **{**right, "rho_99": 3.0})
    _rejects("ex-hq-radius", **{**right, "hq_wider": 1 - math.exp(-4.5 * 1.5**2)})


def test_gansi_toy_gradients_check():
    import sympy as sp

    mu = sp.Symbol("mu", real=True)
    s, sigma = sp.symbols("s sigma", positive=True)
    exercises.check("ex-gansi-toy-gradients", grad_h=mu / (s**2 + sigma**2), grad_h1=mu / sigma**2)
    _rejects("ex-gansi-toy-gradients", grad_h=mu / (s**2 + sigma**2),
             grad_h1=mu / (s**2 + sigma**2))                      # H_1 taken as unbiased
    _rejects("ex-gansi-toy-gradients", grad_h=mu / sigma**2, grad_h1=mu / sigma**2)


def test_optimal_discriminator_check():
    import sympy as sp

    x, mu = sp.symbols("x mu", real=True)
    right = dict(logit_expr=mu**2 / 2 - mu * x, x_half=mu / 2, value_at_match=-math.log(4))
    exercises.check("ex-optimal-discriminator", **right)
    _rejects("ex-optimal-discriminator", **{**right, "logit_expr": mu * x - mu**2 / 2})  # log(p_g/p_d)
    _rejects("ex-optimal-discriminator", **{**right, "x_half": mu})
    _rejects("ex-optimal-discriminator", **{**right, "value_at_match": 0.0})


def test_gansi_objective_check():
    import numpy as np

    def stable(logits, x, theta, sigma, lam):
        xs, ts = x.flatten(1), theta.flatten(1)
        log_p = -torch.cdist(xs, ts).square() / (2 * sigma**2) - 0.5 * xs.shape[1] * np.log(2 * np.pi * sigma**2)
        h_m = -(torch.logsumexp(log_p, 1) - np.log(len(ts))).mean()
        return torch.nn.functional.softplus(-logits).mean() + lam * h_m

    def underflows(logits, x, theta, sigma, lam):                 # exp before the log
        xs, ts = x.flatten(1), theta.flatten(1)
        p = torch.exp(-torch.cdist(xs, ts).square() / (2 * sigma**2)) / (2 * np.pi * sigma**2) ** (xs.shape[1] / 2)
        return torch.nn.functional.softplus(-logits).mean() - lam * torch.log(p.mean(1)).mean()

    exercises.check("ex-gansi-objective", gansi_loss=stable)
    _rejects("ex-gansi-objective", gansi_loss=underflows)
    _rejects("ex-gansi-objective", gansi_loss=lambda l, x, t, s, lam: stable(l, x, t, s, 0.0))


def test_unseen_triples_check():
    import sympy as sp

    n = sp.Symbol("n", positive=True)
    unseen = 1000 * sp.Rational(999, 1000) ** n
    exercises.check("ex-unseen-triples", unseen_expr=unseen, n_min=6905)
    exercises.check("ex-unseen-triples", unseen_expr=unseen, n_min=sp.Integer(6905))
    _rejects("ex-unseen-triples", unseen_expr=unseen, n_min=6904)            # the root, floored
    _rejects("ex-unseen-triples", unseen_expr=1000 * sp.exp(-n / 999), n_min=6905)


def test_hq_triple_check():
    c = 0.7 ** (1 / 3)
    exercises.check("ex-hq-triple", c_min=c, hq_triple=0.0, hq_channel=1.0)
    _rejects("ex-hq-triple", c_min=0.7, hq_triple=0.0, hq_channel=1.0)      # per-channel threshold
    _rejects("ex-hq-triple", c_min=c, hq_triple=1.0, hq_channel=1.0)


def test_inception_score_check():
    def kl_form(p):
        p = p.double()
        marginal = p.mean(0, keepdim=True)
        return math.exp(float((torch.special.xlogy(p, p) - torch.special.xlogy(p, marginal)).sum(1).mean()))

    def nan_on_zeros(p):                                                   # 0 · log 0 = nan
        p = p.double()
        return math.exp(float((p * (p.log() - p.mean(0, keepdim=True).log())).sum(1).mean()))

    exercises.check("ex-inception-score", inception_score=kl_form)
    _rejects("ex-inception-score", inception_score=nan_on_zeros)
    _rejects("ex-inception-score", inception_score=lambda p: math.exp(float(-torch.special.xlogy(p, p).sum(1).mean())))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_grader_gives_every_chapters_reference_solutions_full_marks(chapter):
    # the book's own notebook holds the reference solutions; a student's scores the same way
    reference = nbformat.read(handout.chapter_path(chapter).with_suffix(".ipynb"), as_version=4)
    scores = handout.grade(reference)
    assert scores and all(passed == total for passed, total in scores.values()), scores


def test_a_real_blank_hand_out_runs_and_scores_zero():
    scores = handout.grade(handout.student_notebook("02_objective"))
    assert set(scores) == {"ex-hm-rate", "ex-h1-bits", "ex-my-h-m"}
    assert all(passed == 0 for passed, _ in scores.values()), scores
