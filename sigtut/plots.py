"""Small plotting helpers: image grids for the image chapters and Table 2, and the record of
each book figure's smallest text size that the page check reads."""
from __future__ import annotations

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
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


SMALLEST_TEXT_KEY = "sigtut:smallest-text-px"  # PNG text chunk read by tests/check_pages.py


def smallest_text_pt(fig: Figure) -> float | None:
    """Font size in points of the smallest visible, non-empty text of ``fig``; None if it has none."""
    sizes = [text.get_fontsize() for text in fig.findobj(Text)
             if text.get_visible() and text.get_text().strip()]
    return min(sizes) if sizes else None


def figure_text_metadata(fig: Figure, dpi: float | None = None) -> dict[str, str]:
    """PNG metadata recording the smallest text of ``fig`` in image pixels when saved at ``dpi``.

    Pass it to ``fig.savefig(..., metadata=...)`` for a stored figure that the book shows, so
    that the page check can tell the size at which the figure's text is rendered.
    """
    size = smallest_text_pt(fig)
    dpi = fig.dpi if dpi is None else dpi
    return {SMALLEST_TEXT_KEY: "none" if size is None else f"{size * dpi / 72:.2f}"}


def record_smallest_text(shell=None) -> None:
    """Make IPython's inline PNGs of matplotlib figures carry :func:`figure_text_metadata`.

    ``make book`` runs this in every chapter's kernel (an IPython start-up file), so each
    figure of the built book says how small its text is; the page check turns that and the
    figure's displayed width into a rendered size in points.
    """
    import matplotlib
    from IPython import get_ipython
    from IPython.core.pylabtools import print_figure
    from matplotlib_inline.backend_inline import configure_inline_support

    shell = shell or get_ipython()
    if shell is None:
        raise RuntimeError("record_smallest_text needs a running IPython shell")
    matplotlib.use("module://matplotlib_inline.backend_inline")
    configure_inline_support(shell, "inline")  # selects the inline formats now, so they do not replace ours later

    def png(fig: Figure) -> str | None:
        return print_figure(fig, "png", base64=True, bbox_inches="tight",
                            metadata=figure_text_metadata(fig))

    shell.display_formatter.formatters["image/png"].for_type(Figure, png)
