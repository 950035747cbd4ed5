import numpy as np
import pytest
import torch

from sigtut.plots import image_grid


def test_rgb_grid_places_each_image_and_channel():
    images = torch.zeros(4, 3, 2, 2, dtype=torch.uint8)
    images[1, 2] = 255          # second image (row 0, column 1), blue channel
    grid = image_grid(images, side=2)
    assert grid.shape == (4, 4, 3)
    assert np.all(grid[0:2, 2:4, 2] == 1.0) and grid[0:2, 2:4, :2].sum() == 0
    assert grid[0:2, 0:2].sum() == 0 and grid[2:4].sum() == 0


def test_grey_grid_maps_network_range_to_unit_interval():
    images = torch.full((9, 1, 3, 3), -1.0)
    images[8] = 1.0              # last image, bottom-right
    grid = image_grid(images, side=3)
    assert grid.shape == (9, 9)
    assert np.all(grid[6:, 6:] == 1.0) and grid[:6].sum() == 0


@pytest.mark.parametrize("images, side, match", [
    (torch.zeros(4, 2, 2, 2), 2, "shape"),
    (torch.zeros(3, 1, 2, 2), 2, "need side"),
    (torch.zeros(4, 1, 2, 2), 0, "side"),
])
def test_bad_input(images, side, match):
    with pytest.raises(ValueError, match=match):
        image_grid(images, side)
