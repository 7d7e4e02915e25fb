"""S4: chat text is a safe Markdown subset; hostile markup never survives rendering."""

from html.parser import HTMLParser

import pytest

from chat.rendering import render_message


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("**fett** und *kursiv*", "<p><strong>fett</strong> und <em>kursiv</em></p>"),
        ("`<b>code</b>`", "<p><code>&lt;b&gt;code&lt;/b&gt;</code></p>"),
        ("- eins\n- zwei", "<ul>\n<li>eins</li>\n<li>zwei</li>\n</ul>"),
        ("1. eins\n2. zwei", "<ol>\n<li>eins</li>\n<li>zwei</li>\n</ol>"),
        (
            "[Portal](https://portal.stadt.example/)",
            '<p><a href="https://portal.stadt.example/" rel="noopener noreferrer nofollow">'
            "Portal</a></p>",
        ),
        ("Zeile 1\nZeile 2", "<p>Zeile 1<br>\nZeile 2</p>"),
    ],
)
def test_the_markdown_subset(text, html):
    assert render_message(text) == html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[klick](javascript:alert(1))",
        "[klick](data:text/html;base64,PHNjcmlwdD4=)",
        '[a](http://x "t\\" onmouseover=alert(1) x=\\"")',
        "<a href='javascript:alert(1)'>x</a>",
        "![bild](https://tracker.example/pixel.png)",
        "<iframe src=https://evil.example></iframe>",
        "<svg onload=alert(1)>",
        "<style>body{display:none}</style>",
    ],
)
def test_hostile_markup_is_neutralised(text):
    parser = _TagCollector()
    parser.feed(render_message(text))
    for tag, attributes in parser.tags:
        assert tag in {"p", "br", "a", "strong", "em", "code", "pre", "ul", "ol", "li"}, tag
        for name, value in attributes:
            assert name in {"href", "title", "rel"}, name
            if name == "href":
                assert value.startswith(("http://", "https://", "mailto:")), value


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def test_only_named_members_are_highlighted():
    html = render_message("@lena und @fremd und mail@lena.de", mentions={"lena"})
    assert html == ('<p><span class="chat-mention">@lena</span> und @fremd und mail@lena.de</p>')


def test_a_mention_cannot_smuggle_a_class():
    html = render_message('<span class="chat-mention evil">x</span>')
    assert "<span" not in html
