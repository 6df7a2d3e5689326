"""What a screen reader reads for the links, buttons, headings and paragraphs of a page, from its HTML: the text
inside (visually hidden text included, anything under aria-hidden="true" left out), or the aria-label of a link or
button. ARIA names no paragraph, so a <p>'s aria-label is not read: its text is. The browser tests check the same in
Chromium; this is the quick version for view tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

NAMED_BY_LABEL = {"a", "button"}
READ = {"a", "button", "h1", "h2", "h3", "h4", "h5", "h6", "p"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parts: list[str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    @property
    def name(self) -> str:
        """What is read for it: a link's or button's aria-label, else its text (spaces collapsed)."""
        if self.tag in NAMED_BY_LABEL and self.attrs.get("aria-label"):
            return self.attrs["aria-label"]
        return " ".join("".join(self.parts).split())


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Element] = []
        self._open: list[tuple[str, Element | None, bool]] = []  # (tag, element read, hidden from screen readers)

    def _hidden(self) -> bool:
        return any(hidden for _, _, hidden in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        values = {key: value or "" for key, value in attrs}
        element = Element(tag, values) if tag in READ else None
        if element is not None:
            self.found.append(element)
        self._open.append((tag, element, values.get("aria-hidden") == "true"))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):  # browsers close what was left open inside
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        if self._hidden():
            return
        for _, element, _ in self._open:
            if element is not None:
                element.parts.append(data)


def read(html: str, *tags: str) -> list[Element]:
    """The elements of `tags` (all of READ when none), in the page's order."""
    reader = _Reader()
    reader.feed(html)
    return [element for element in reader.found if not tags or element.tag in tags]


def names(html: str, *tags: str) -> list[str]:
    return [element.name for element in read(html, *tags)]
