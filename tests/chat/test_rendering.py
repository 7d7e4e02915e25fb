"""S4: chat text is CommonMark for the chat's subset; hostile markup never survives rendering."""

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


# Examples from the CommonMark spec (0.31.2), by section. The chat renders a soft line break
# as <br> ("line breaks as typed"), so multi-line outputs carry <br> where the spec has "\n".
COMMONMARK = [
    # 5.3 Lists: a bullet list may interrupt a paragraph (example 304) ...
    ("Foo\n- bar\n- baz", "<p>Foo</p>\n<ul>\n<li>bar</li>\n<li>baz</li>\n</ul>"),
    # ... an ordered list only when it starts with 1 (example 305).
    (
        "The number of windows in my house is\n14.  The number of doors is 6.",
        "<p>The number of windows in my house is<br>\n14.  The number of doors is 6.</p>",
    ),
    ("123. ok", '<ol start="123">\n<li>ok</li>\n</ol>'),
    # 4.5 Fenced code blocks (examples 119, 121): markup inside stays text.
    ("```\n<\n >\n```", "<pre><code>&lt;\n &gt;\n</code></pre>"),
    ("```\naaa\n~~~\n```", "<pre><code>aaa\n~~~\n</code></pre>"),
    # 4.4 Indented code blocks (example 107).
    (
        "    a simple\n      indented code block",
        "<pre><code>a simple\n  indented code block\n</code></pre>",
    ),
    # 5.1 Block quotes, with a "lazy" continuation line (example 229).
    ("> bar\nbaz", "<blockquote>\n<p>bar<br>\nbaz</p>\n</blockquote>"),
    # 6.1 Code spans (example 330).
    ("`` foo ` bar ``", "<p><code>foo ` bar</code></p>"),
    # 6.2 Emphasis and strong emphasis (examples 350, 378).
    ("*foo bar*", "<p><em>foo bar</em></p>"),
    ("**foo bar**", "<p><strong>foo bar</strong></p>"),
    # 6.7 Hard line breaks (example 633).
    ("foo  \nbar", "<p>foo<br>\nbar</p>"),
    # 6.5 Autolinks (example 594).
    (
        "<https://foo.bar.baz>",
        '<p><a href="https://foo.bar.baz" rel="noopener noreferrer nofollow">'
        "https://foo.bar.baz</a></p>",
    ),
    # 6.6 Raw HTML is off in the chat: shown as typed (the input of example 613).
    ("<a><bab><c2c>", "<p>&lt;a&gt;&lt;bab&gt;&lt;c2c&gt;</p>"),
    # 2.5 Entity and numeric character references (example 25).
    ("&nbsp; &amp; &copy;", "<p>&nbsp; &amp; ©</p>"),
]


@pytest.mark.parametrize(("text", "html"), COMMONMARK)
def test_commonmark_spec_examples(text, html):
    assert render_message(text) == html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        # What people type in a chat, as issue 13 found it broken.
        (
            "Ja, Unterlagen folgen:\n- Kurzanleitung\n- Häufige Fragen",
            "<p>Ja, Unterlagen folgen:</p>\n<ul>\n<li>Kurzanleitung</li>\n"
            "<li>Häufige Fragen</li>\n</ul>",
        ),
        (
            "```\nx = 1\ny = 2\n```\nDanach Text",
            "<pre><code>x = 1\ny = 2\n</code></pre>\n<p>Danach Text</p>",
        ),
        (
            "siehe https://portal.stadt.example/wiki?a=1 bitte",
            '<p>siehe <a href="https://portal.stadt.example/wiki?a=1" '
            'rel="noopener noreferrer nofollow">https://portal.stadt.example/wiki?a=1</a> bitte</p>',
        ),
        # Not in the chat's subset: headings and rules stay text, images are never loaded.
        ("# Titel", "<p># Titel</p>"),
        ("Text\n---", "<p>Text<br>\n---</p>"),
    ],
)
def test_chat_typing_habits(text, html):
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
        "[a](<javascript:alert(1)>)",
        "[a](JaVaScRiPt:alert(1))",
        "[a](&#106;avascript:alert(1))",
        "<javascript:alert(1)>",
        '<https://x.example/" onmouseover="alert(1)>',
        '```"><script>alert(1)</script>\nx\n```',
        "```js onerror=alert(1)\nx\n```",
        "> <img src=x onerror=alert(1)>",
        "- [x](vbscript:msgbox(1))",
        "[a]: javascript:alert(1)\n\n[a]",
    ],
)
def test_hostile_markup_is_neutralised(text):
    parser = _TagCollector()
    parser.feed(render_message(text))
    for tag, attributes in parser.tags:
        assert tag in ALLOWED, tag
        for name, value in attributes:
            assert name in {"href", "title", "rel", "start"}, name
            if name == "href":
                assert value.startswith(("http://", "https://", "mailto:")), value


ALLOWED = {"p", "br", "a", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote"}


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


def test_mentions_are_not_highlighted_in_code_or_links():
    html = render_message("`@lena` und [@lena](https://x.example/) und @lena", mentions={"lena"})
    assert html.count("chat-mention") == 1
    assert "<code>@lena</code>" in html
