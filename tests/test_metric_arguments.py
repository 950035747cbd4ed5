"""Issue 17, item 2: the public metric functions refuse degenerate arguments, naming them."""
import math

import numpy as np
import pytest
import torch

from sigtut.metrics import (assign_modes, digit_probabilities, energy_distance, mode_metrics,
                            true_bin_probabilities, tv_distance)

CENTERS = np.array([[0.0, 0.0], [5.0, 5.0]])
SAMPLES = np.zeros((10, 2))


@pytest.mark.parametrize("radius", [0.0, -1.0, math.nan, math.inf])
def test_mode_metrics_refuses_a_radius_that_is_not_positive(radius):
    with pytest.raises(ValueError, match="radius"):
        mode_metrics(SAMPLES, CENTERS, 1.0, radius=radius)
    with pytest.raises(ValueError, match="radius"):
        assign_modes(SAMPLES, CENTERS, 1.0, radius=radius)


@pytest.mark.parametrize("std", [0.0, -0.1, math.nan])
def test_mode_metrics_refuses_a_std_that_is_not_positive(std):
    with pytest.raises(ValueError, match="std"):
        mode_metrics(SAMPLES, CENTERS, std)


def test_mode_metrics_std_must_be_a_number():
    with pytest.raises(TypeError, match="std"):
        mode_metrics(SAMPLES, CENTERS, "1")


def test_empty_centres_are_refused_naming_centers():
    with pytest.raises(ValueError, match="centers"):
        mode_metrics(SAMPLES, np.zeros((0, 2)), 1.0)
    with pytest.raises(ValueError, match="centers"):
        assign_modes(SAMPLES, np.zeros((0, 2)), 1.0)


def test_empty_samples_are_refused_naming_samples():
    with pytest.raises(ValueError, match="samples"):
        mode_metrics(np.zeros((0, 2)), CENTERS, 1.0)
    with pytest.raises(ValueError, match="samples"):
        assign_modes(np.zeros((0, 2)), CENTERS, 1.0)


def test_points_without_coordinates_are_refused():
    with pytest.raises(ValueError, match="samples"):
        assign_modes(np.zeros((3, 0)), np.zeros((2, 0)), 1.0)


@pytest.mark.parametrize("kwargs, name", [
    ({"weights": np.array([]), "dim": 2}, "weights"),
    ({"weights": np.array([0.5, 0.5]), "dim": 0}, "dim"),
    ({"weights": np.array([0.5, 0.5]), "dim": 2, "radius": -1.0}, "radius"),
])
def test_true_bin_probabilities_refuses_degenerate_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        true_bin_probabilities(**kwargs)


def test_tv_distance_refuses_nan():
    with pytest.raises(ValueError, match="p contains NaN"):
        tv_distance(np.array([math.nan, 1.0]), np.array([0.5, 0.5]))


@pytest.mark.parametrize("x, y, name", [
    (torch.zeros(0, 2), torch.zeros(3, 2), "x"),
    (torch.zeros(3, 2), torch.zeros(0, 2), "y"),
    (torch.zeros(3, 0), torch.zeros(3, 0), "x"),
])
def test_energy_distance_refuses_empty_samples(x, y, name):
    with pytest.raises(ValueError, match=f"^{name} must hold"):
        energy_distance(x, y)


def test_digit_probabilities_refuses_no_images():
    with pytest.raises(ValueError, match="images"):
        digit_probabilities(torch.zeros(0, 3, 28, 28), torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10)))


def test_valid_arguments_still_count_modes():
    samples = np.concatenate([np.zeros((5, 2)), np.full((3, 2), 5.0), np.full((2, 2), 20.0)])
    out = mode_metrics(samples, CENTERS, 1.0, min_count=0)
    assert out["counts"] == [5, 3] and out["modes"] == 2 and out["hq"] == pytest.approx(0.8)
