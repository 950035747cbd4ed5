"""Small plotting helpers shared by the image chapters and the Table 2 experiment."""
from __future__ import annotations

import numpy as np
import torch
from matplotlib.axes import Axes
from torch import Tensor


def image_grid(images: Tensor, side: int) -> np.ndarray:
    """Tile the first side² images (n, C, H, W) into one (side·H, side·W[, 3]) array in [0, 1].

    Float images are read in the networks' range [-1, 1]; uint8 images in [0, 255]. One
    channel gives a grey-scale array, three channels an RGB array (Stacked MNIST's digits
    become its colour channels).
    """
    if not isinstance(images, Tensor):
        raise TypeError(f"images must be a torch.Tensor, got {type(images).__name__}")
    if images.dim() != 4 or images.shape[1] not in (1, 3):
        raise ValueError(f"images must have shape (n, 1 or 3, H, W), got {tuple(images.shape)}")
    if isinstance(side, bool) or not isinstance(side, int) or side < 1:
        raise ValueError(f"side must be an int >= 1, got {side!r}")
    n, c, h, w = images.shape
    if n < side * side:
        raise ValueError(f"need side² = {side * side} images for the grid, got {n}")
    x = images[: side * side].detach().cpu()
    x = x.float() / 255.0 if x.dtype == torch.uint8 else x.float().clamp(-1, 1).add(1).div(2)
    grid = x.reshape(side, side, c, h, w).permute(0, 3, 1, 4, 2).reshape(side * h, side * w, c)  # (side·H, side·W, C)
    return grid[..., 0].numpy() if c == 1 else grid.numpy()


def show_images(ax: Axes, images: Tensor, title: str | None = None, side: int = 8) -> None:
    """Draw :func:`image_grid` on ``ax`` without axes, grey-scale for one channel."""
    grid = image_grid(images, side)
    ax.imshow(grid, cmap="gray" if grid.ndim == 2 else None, vmin=0.0, vmax=1.0)
    if title:
        ax.set_title(title, fontsize=10)
    ax.axis("off")
