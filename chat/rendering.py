"""Chat text to safe HTML (S4): CommonMark for the chat's subset, rendered on the server with
markdown-it-py (raw HTML off), then sanitised with nh3 as a second line of defence."""

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_CLASSES = {"span": {"chat-mention"}}
URL_SCHEMES = {"http", "https", "mailto"}
MENTION = re.compile(r"(?<![\w@/.])@([\w.-]{1,150})")

# Headings, rules, images and tables are not part of the chat's subset: a "#" or "---" at
# the start of a line stays text, and an image is never loaded from anywhere (P10).
_NOT_IN_CHAT = ["heading", "lheading", "hr", "image", "reference"]


def _mentions(state: StateCore) -> None:
    """Turn @name of room members into mention tokens, outside code and links."""
    members = state.env.get("mentions")
    if not members:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = 0
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
            if token.type != "text" or in_link:
                children.append(token)
                continue
            position = 0
            for match in MENTION.finditer(token.content):
                name = match.group(1).rstrip(".")
                if name not in members:
                    continue
                if match.start() > position:
                    children.append(_text(token.content[position : match.start()]))
                mention = Token("chat_mention", "span", 0)
                mention.content = name
                children.append(mention)
                position = match.start() + 1 + len(name)
            if position == 0:
                children.append(token)
            elif position < len(token.content):
                children.append(_text(token.content[position:]))
        block.children = children


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _render_mention(self, tokens, idx, options, env) -> str:
    return f'<span class="chat-mention">@{escapeHtml(tokens[idx].content)}</span>'


def _parser() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        # html off: "<b>" in a message is shown as typed. breaks: a line break is a line
        # break, as people type in a chat. linkify: bare URLs become links.
        {"html": False, "breaks": True, "linkify": True, "typographer": False},
    )
    md.enable("linkify")
    # Addresses stay text unless written as <name@example.org>: "mail@lena.de" is often
    # just mentioned, and @mentions sit next to it.
    md.linkify.set({"fuzzy_email": False})
    md.disable(_NOT_IN_CHAT)
    md.core.ruler.push("chat_mentions", _mentions)
    md.add_render_rule("chat_mention", _render_mention)
    return md


_MD = _parser()


def mentioned_usernames(text: str) -> set[str]:
    return {name.rstrip(".") for name in MENTION.findall(text)}


def render_message(text: str, *, mentions: set[str] = frozenset()) -> str:
    """Render the chat's CommonMark subset; highlight @mentions of room members."""
    html = _MD.render(text, {"mentions": set(mentions)})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()
