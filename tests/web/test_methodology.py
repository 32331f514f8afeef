"""The methodology page: served offline from docs/methodology.md, linked from every client and
review, citing its sources, and holding the cards' agitation weights as they are."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from appliance.persona.weights_table import markdown_table
from appliance.review.cli import main
from appliance.review.rubric import COMPETENCIES
from appliance.web.http_errors import http_status
from appliance.web.routes.methodology import METHODOLOGY, DocumentMissing, render_methodology
from tests.conftest import REPO
from tests.web.conftest import Api

SOURCES = (
    "CIT, the Memphis model",
    "Dupont, R., Cochran, S., & Pillsbury, S. (2007)",
    "Critical Decision-Making Model",
    "Police Executive Research Forum. (2016)",
    "Behavioral Change Stairway Model",
    "Vecchi, G. M., Van Hasselt, V. B., & Romano, S. J. (2005)",
    "OARS",
    "Miller, W. R., & Rollnick, S. (2013)",
    "MITI 4",
    "Moyers, T. B., Rowell, L. N., Manuel, J. K., Ernst, D., &amp; Houck, J. M. (2016)",
    "Procedural justice",
    "President's Task Force on 21st Century Policing. (2015)",
    "Tyler, T. R. (2006)",
    "Listen and Explain with Equity and Dignity",
    "Rule 28",
    "24-31-315",
)


async def test_the_page_is_served_without_log_in_and_needs_nothing_from_outside(api: Api) -> None:
    r = await api.client().get("/methodology")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text.replace("&quot;", '"').replace("&#x27;", "'").replace("’", "'")
    assert "<h1>How CodeBlu's practice and feedback are built</h1>" in page
    for source in SOURCES:
        assert source.replace("&amp;", "&") in page.replace("&amp;", "&"), source
    for c in COMPETENCIES:
        assert c.title in page, c.title
    assert "<script" not in page and "<link" not in page  # one self-contained document
    assert not re.search(r'(src|href)="(https?:)?//', page)  # no external resource or link
    assert "not a fitness-for-duty" in page and "never submits" in page


def test_the_weights_on_the_page_are_the_cards() -> None:
    text = METHODOLOGY.read_text(encoding="utf-8")
    inside = text.split("<!-- weights:start -->\n", 1)[1].split("\n<!-- weights:end -->", 1)[0]
    assert inside == markdown_table(), (
        "docs/methodology.md's weights table differs from the cards: paste the output of"
        " `python -m appliance.persona.weights_table` between its weights markers"
    )


def test_a_missing_document_is_a_clear_404(tmp_path: Path) -> None:
    with pytest.raises(DocumentMissing, match="methodology document is missing") as caught:
        render_methodology(tmp_path / "methodology.md")
    assert http_status(caught.value) == 404


def test_every_client_links_to_it() -> None:
    officer = (REPO / "headset_client" / "web" / "index.html").read_text()
    console = (REPO / "appliance" / "web" / "console" / "index.html").read_text()
    assert officer.count('href="/methodology"') == 2  # from the scenario list and the review
    assert 'href="/methodology"' in console


def test_every_review_links_to_it_and_its_times_can_seek(tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    sample = REPO / "docs" / "sample_transcript.json"
    assert main([str(sample), "--format", "html", "--out", str(out)]) == 0
    html = out.read_text()
    assert 'href="/methodology"' in html
    quote = r'<li class="(?:positive|negative)"><a class="ts" href="#turn-\d+" data-t="([\d.]+)">'
    quotes = re.findall(quote, html)
    assert quotes and all(float(t) >= 0 for t in quotes)  # every evidence quote knows its moment
