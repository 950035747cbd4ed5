"""sigtut.glue: values for the prose through myst-nb when it is there, silently otherwise."""
import sys
import types

import pytest

from sigtut.glue import glue, plain


def test_glue_hands_the_value_to_myst_nb_without_displaying_it(monkeypatch):
    calls = []
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda name, value, display=True: calls.append((name, value, display))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    assert glue("sig_modes", 25) == 25
    assert calls == [("sig_modes", 25, False)]


def test_glue_without_myst_nb_does_nothing_visible(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "myst_nb", None)      # import myst_nb raises ImportError
    assert glue("hours", 5.1) == 5.1
    assert capsys.readouterr() == ("", "")


def test_glue_with_real_myst_nb_emits_a_hidden_record(capsys):
    pytest.importorskip("myst_nb")
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    published = []
    monkey = shell.display_pub.publish
    shell.display_pub.publish = lambda data, metadata=None, **kw: published.append((data, metadata))
    try:
        glue("x", 1.5)
    finally:
        shell.display_pub.publish = monkey
    (data, metadata), = published
    assert all(key.startswith("application/papermill.record/") for key in data)
    assert metadata["scrapbook"]["name"] == "x"


@pytest.mark.parametrize("name, error", [(3, TypeError), ("", ValueError), ("a b", ValueError)])
def test_glue_rejects_a_bad_name(name, error):
    with pytest.raises(error, match="name"):
        glue(name, 1)


def test_numbers_are_glued_as_plain_python_numbers():
    np = pytest.importorskip("numpy")
    torch = pytest.importorskip("torch")
    sympy = pytest.importorskip("sympy")
    assert type(plain(np.float64(0.5))) is float and type(plain(np.int64(3))) is int
    assert plain(torch.tensor(2.5)) == 2.5 and type(plain(torch.tensor(7))) is int
    assert type(plain(sympy.Float(0.25))) is float and plain(sympy.Integer(4)) == 4
    assert plain("text") == "text" and plain(True) is True and plain([1, 2]) == [1, 2]
