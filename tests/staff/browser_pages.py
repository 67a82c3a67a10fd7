"""What the staff pages' browser tests share: a tablet (or a phone) in Japanese and Tokyo's
time, a staff member logging in, and the parties' names."""

from __future__ import annotations

import re

TABLET = {"width": 1024, "height": 768}
NAMES = [
    ("山田 花子", "やまだ はなこ"),
    ("佐藤 太郎", "さとう たろう"),
    ("鈴木 美咲", "すずき みさき"),
    ("高橋 陽菜", "たかはし ひな"),
    ("田中 健太", "たなか けんた"),
    ("伊藤 結衣", "いとう ゆい"),
]


def tablet(browser, *, javascript: bool = True, viewport=TABLET):
    context = browser.new_context(
        viewport=viewport,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        has_touch=True,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def log_in(page, base_url: str, username: str, next_path: str) -> None:
    page.goto(f"{base_url}{next_path}")
    assert "/staff/accounts/login/" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-Staff-123")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_path) + r"$"))
