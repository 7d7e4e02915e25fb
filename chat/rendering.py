"""Chat text to safe HTML (S4): a small Markdown subset rendered on the server, then sanitised."""

import re

import markdown
import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "a", "ul", "ol", "li", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_CLASSES = {"span": {"chat-mention"}}
URL_SCHEMES = {"http", "https", "mailto"}
MENTION = re.compile(r"(?<![\w@/.])@([\w.-]{1,150})")


class _NoRawHtml(markdown.Extension):
    """Raw HTML in a message is shown as text, never passed on as markup."""

    def extendMarkdown(self, md):  # noqa: N802 (the Markdown API's name)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # Headings, quotes, rules and images are not part of the chat's subset.
        md.parser.blockprocessors.deregister("hashheader")
        md.parser.blockprocessors.deregister("setextheader")
        md.parser.blockprocessors.deregister("hr")
        md.parser.blockprocessors.deregister("quote")
        md.inlinePatterns.deregister("image_link")
        md.inlinePatterns.deregister("image_reference")


def mentioned_usernames(text: str) -> set[str]:
    return {name.rstrip(".") for name in MENTION.findall(text)}


def render_message(text: str, *, mentions: set[str] = frozenset()) -> str:
    """Render bold, italic, code, links and lists; highlight @mentions of room members."""
    html = markdown.markdown(text, extensions=[_NoRawHtml(), "sane_lists", "nl2br"])
    if mentions:

        def highlight(match: re.Match) -> str:
            name = match.group(1).rstrip(".")
            if name not in mentions:
                return match.group(0)
            rest = match.group(1)[len(name) :]
            return f'<span class="chat-mention">@{name}</span>{rest}'

        html = MENTION.sub(highlight, html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
