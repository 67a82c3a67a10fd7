"""What the parents' pages' browser tests share: the checks every page must pass (axe-core, no
sideways scroll, 44 px targets, whole language names, text that reads as text), the form's
filling, and the emails the outbox delivers."""

from __future__ import annotations

import re
import time

from django.core import mail

from notifications.delivery import deliver_batch, dispatch_due
from tests.browser import assert_accessible, layout_problems

MANAGE_LINK = re.compile(r"https?://[^\s\"<>]+/manage/[A-Z0-9-]+/\?token=[\w-]+")


def check(page, name: str) -> None:
    """axe-core finds nothing, nothing scrolls sideways, every target is at least 44 px, the
    language menu shows every language's whole name beside its button, and text reads as text
    (text_problems)."""
    assert_accessible(page, name)
    assert layout_problems(page) == [], name
    assert clipped_languages(page) == [], name
    assert language_button_beside_menu(page), name
    assert text_problems(page) == [], name


def text_problems(page) -> list[str]:
    """Return what breaks the reading of a page's text, each as a line:

    - a <ruby> (やさしい日本語's ふりがな) laid out as a flex or grid item: the text around it
      becomes items of their own, side by side in columns when the line wraps
      ("「親子ふれあい遊び」の | 日 | を ぜんぶ カレンダーに") and without the space before it;
    - two links of a list closer than 8 px, line to line: wrapped links read as one paragraph;
    - a message at the top of the page against the header's line.
    """
    return list(
        page.evaluate(
            """() => {
                const out = [];
                for (const ruby of document.querySelectorAll('ruby')) {
                    const box = ruby.parentElement;
                    const display = getComputedStyle(box).display;
                    if (/flex|grid/.test(display)) {
                        const text = box.textContent.trim().slice(0, 30);
                        out.push(`ruby in a ${display} ${box.tagName} ${box.className}: ${text}`);
                    }
                }
                const lines = (a) => {
                    const range = document.createRange();
                    range.selectNodeContents(a);
                    return [...range.getClientRects()].filter(r => r.height > 0);
                };
                for (const list of document.querySelectorAll('ul.links')) {
                    const links = [...list.querySelectorAll('a')].map(lines);
                    for (let i = 1; i < links.length; i++) {
                        const gap = links[i][0].top - links[i - 1].at(-1).bottom;
                        if (gap < 8) out.push(`links ${i}, ${i + 1}: ${Math.round(gap)} px`);
                    }
                }
                const header = document.querySelector('.site-header');
                const first = document.querySelector('main > .alert:first-child');
                if (header && first) {
                    const gap = first.getBoundingClientRect().top
                        - header.getBoundingClientRect().bottom;
                    if (gap < 16) out.push(`message ${Math.round(gap)} px under the header`);
                }
                return out;
            }"""
        )
    )


def clipped_languages(page) -> list[str]:
    """Return the names in the language menu that its box cuts off ("Português Bras").

    A native select's scrollWidth is always its clientWidth (174 and 174 when it cut the name
    off at 11em), and a closed select shows only the chosen name; so each name is put alone in
    a copy of the menu beside it (the same rules of site.css) whose width is left to Chromium:
    that is the width the name needs, text, padding and arrow. The menu must be as wide.
    """
    return list(
        page.evaluate(
            """() => {
                const select = document.querySelector('#site-language');
                if (!select) return ['no language menu'];
                const given = select.getBoundingClientRect().width;
                const cut = [];
                for (const option of select.options) {
                    const alone = select.cloneNode(false);
                    alone.removeAttribute('id');
                    alone.append(option.cloneNode(true));
                    alone.style.width = 'auto';
                    alone.style.maxWidth = 'none';
                    select.after(alone);
                    const needed = alone.getBoundingClientRect().width;
                    alone.remove();
                    if (needed > given + 0.5) {
                        cut.push(`${option.text}: ${Math.round(needed)} > ${Math.round(given)}`);
                    }
                }
                return cut;
            }"""
        )
    )


def language_button_beside_menu(page) -> bool:
    """Whether the language menu's button sits on the menu's line (a button on a line of its own
    took a fifth of a phone's first screen)."""
    return bool(
        page.evaluate(
            """() => {
                const menu = document.querySelector('#site-language').getBoundingClientRect();
                const button = document.querySelector('form.lang button').getBoundingClientRect();
                return Math.abs((menu.top + menu.bottom) - (button.top + button.bottom)) < 4
                    && button.left >= menu.right;
            }"""
        )
    )


def broken_inside(page, text: str) -> bool:
    """Whether ``text`` (a run in one text node, such as an address's 15-1) wraps onto a second
    line anywhere in the page."""
    return bool(
        page.evaluate(
            """(text) => {
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                let found = false;
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const at = node.data.indexOf(text);
                    if (at < 0) continue;
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + text.length);
                    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                    if (tops.size > 1) return true;
                    found = true;
                }
                if (!found) throw new Error(`${text} is not on the page`);
                return false;
            }""",
            text,
        )
    )


def sweep() -> None:
    """Deliver due outbox rows now, as the periodic sweep would.

    Rows are normally handed to a worker when the booking commits; running the sweep as well
    keeps these tests about the pages, whatever state earlier tests left Celery in.
    """
    dispatch_due(send_batch=lambda ids, token: deliver_batch(ids, token=token))


def wait_for_mail(to: str, pattern: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.outbox:
            if to in message.to and re.search(pattern, message.subject + message.body):
                return message
        time.sleep(0.1)
        sweep()
    seen = [(m.to, m.subject) for m in mail.outbox]
    raise AssertionError(f"no email to {to} matching {pattern!r}; outbox: {seen}")


def reserve(page, *, name: str, email: str, child_age: str | None = None) -> None:
    if child_age is not None:
        page.select_option("#id_child_age_1", child_age)
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.check("#id_consent")
