"""One author–year style: sigtut.citations formats the text's citations and the lists' labels alike."""
from pybtex.database import Entry, Person, parse_file

from sigtut.citations import AuthorYearLabels, author_year, formatted_entries
from sigtut.notebooks import REPO

BIB = REPO / "book" / "references.bib"


def _entry(*authors: str, year: str = "2014") -> Entry:
    return Entry("misc", fields={"title": "T", "year": year}, persons={"author": [Person(a) for a in authors]})


def test_one_two_and_more_authors():
    assert author_year(_entry("Rose, Kenneth", year="1998")) == "Rose, 1998"
    assert author_year(_entry("Kingma, Diederik P.", "Welling, Max")) == "Kingma and Welling, 2014"
    assert author_year(_entry("Goodfellow, Ian", "Bengio, Yoshua", "Courville, Aaron")) == "Goodfellow et al., 2014"


def test_repeated_labels_get_letters():
    labels = list(AuthorYearLabels().format_labels([_entry("Goodfellow, Ian"), _entry("Goodfellow, Ian")]))
    assert labels == ["Goodfellow, 2014a", "Goodfellow, 2014b"]


def test_the_paper_is_cited_by_its_authors_with_a_link():
    paper = parse_file(str(BIB)).entries["sig2018"]
    assert author_year(paper) == "Yin and Zhou, 2018"
    [(label, text)] = formatted_entries(BIB, ["sig2018"])
    assert label == "Yin and Zhou, 2018"
    assert "Mingzhang Yin and Mingyuan Zhou" in text and "(https://arxiv.org/abs/1905.12659)" in text
    assert "Workshop on Bayesian Deep Learning" in text


def test_every_entry_has_authors_and_a_year():
    for key, entry in parse_file(str(BIB)).entries.items():
        assert entry.persons.get("author") and entry.fields.get("year"), key
        assert "Anonymous" not in author_year(entry), key
