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


def test_smallest_text_ignores_hidden_and_empty_text():
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    from sigtut.plots import SMALLEST_TEXT_KEY, figure_text_metadata, smallest_text_pt

    fig, ax = plt.subplots(dpi=100)
    ax.tick_params(labelsize=11)
    ax.set_title("shown", fontsize=10)
    ax.set_xlabel("hidden", fontsize=4).set_visible(False)
    ax.set_ylabel("", fontsize=3)
    assert smallest_text_pt(fig) == 10
    assert figure_text_metadata(fig) == {SMALLEST_TEXT_KEY: f"{10 * 100 / 72:.2f}"}
    assert figure_text_metadata(fig, dpi=200)[SMALLEST_TEXT_KEY] == f"{10 * 200 / 72:.2f}"
    ax.set_axis_off()
    ax.set_title("")
    assert smallest_text_pt(fig) is None and figure_text_metadata(fig) == {SMALLEST_TEXT_KEY: "none"}
    plt.close(fig)


def test_record_smallest_text_stamps_inline_pngs():
    import base64
    import struct

    from IPython.core.interactiveshell import InteractiveShell

    from sigtut.plots import SMALLEST_TEXT_KEY, record_smallest_text

    shell = InteractiveShell.instance()
    record_smallest_text(shell)
    shell.run_cell("import matplotlib.pyplot as plt\nfig, ax = plt.subplots(dpi=100)\n"
                   "ax.set_title('t', fontsize=7.2)\nax.tick_params(labelsize=12)")
    png = base64.b64decode(shell.display_formatter.format(shell.user_ns["fig"])[0]["image/png"])
    chunks, i = {}, 8
    while i < len(png):
        length, kind = struct.unpack(">I4s", png[i:i + 8])
        if kind == b"tEXt":
            key, value = png[i + 8:i + 8 + length].split(b"\0", 1)
            chunks[key.decode()] = value.decode()
        i += 12 + length
    assert chunks[SMALLEST_TEXT_KEY] == "10.00"      # 7.2 pt at 100 dpi
    shell.run_cell("plt.close('all')")
    import matplotlib

    matplotlib.use("agg")                            # leave the other tests a plain backend
