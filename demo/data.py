"""The demo catalogue from ../shared/DOMAIN.md, as data: facilities, programmes, sessions.

``demo.load`` writes it; the sessions are given relative to the Monday of the current week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from events.models import (
    Audience,
    BookingMode,
    PartyCounting,
)

# display_order: 鹿児島市's centres first, as its own lists give them (the main centre, the four
# つどいの広場 east, west, south and north, then the others), then the other cities' one each;
# steps of 10 leave room between.
FACILITIES = [
    dict(
        slug="ribbonkan",
        display_order=10,
        name="すこやか子育て交流館（りぼんかん）",
        name_en="Sukoyaka Kosodate Koryukan (Ribbonkan)",
        city="鹿児島市",
        address="鹿児島県鹿児島市山下町15-1",
        access="市電「市役所前」電停から徒歩3分。駐車場はありません。",
        phone="099-000-0001",
        email="ribbonkan@example.jp",
        latitude=Decimal("31.596600"),
        longitude=Decimal("130.557000"),
    ),
    dict(
        slug="tsudoi-higashi",
        display_order=20,
        name="親子つどいの広場（東）",
        name_en="Oyako Tsudoi no Hiroba (East)",
        city="鹿児島市",
        address="鹿児島県鹿児島市東部（デモ）",
        access="バス停から徒歩5分",
        phone="099-000-0011",
        email="tsudoi-east@example.jp",
    ),
    dict(
        slug="tsudoi-nishi",
        display_order=30,
        name="親子つどいの広場（西）",
        name_en="Oyako Tsudoi no Hiroba (West)",
        city="鹿児島市",
        address="鹿児島県鹿児島市西部（デモ）",
        access="バス停から徒歩3分",
        phone="099-000-0012",
        email="tsudoi-west@example.jp",
    ),
    dict(
        slug="tsudoi-minami",
        display_order=40,
        name="親子つどいの広場（南）",
        name_en="Oyako Tsudoi no Hiroba (South)",
        city="鹿児島市",
        address="鹿児島県鹿児島市南部（デモ）",
        access="駐車場10台",
        phone="099-000-0013",
        email="tsudoi-south@example.jp",
    ),
    dict(
        slug="tsudoi-kita",
        display_order=50,
        name="親子つどいの広場（北）",
        name_en="Oyako Tsudoi no Hiroba (North)",
        city="鹿児島市",
        address="鹿児島県鹿児島市北部（デモ）",
        access="駐車場5台",
        phone="099-000-0014",
        email="tsudoi-north@example.jp",
    ),
    dict(
        slug="kagoshima-shien-1",
        display_order=60,
        name="地域子育て支援センター（中央）",
        name_en="Community Child-care Support Centre (Central)",
        city="鹿児島市",
        address="鹿児島県鹿児島市中央（デモ）",
        access="",
        phone="099-000-0021",
        email="shien-central@example.jp",
    ),
    dict(
        slug="kagoshima-jido-1",
        display_order=70,
        name="児童センター（鴨池）",
        name_en="Children's Centre (Kamoike)",
        city="鹿児島市",
        address="鹿児島県鹿児島市鴨池（デモ）",
        access="",
        phone="099-000-0031",
        email="jido-kamoike@example.jp",
    ),
    dict(
        slug="kurume-plaza",
        display_order=80,
        name="子育て交流プラザ",
        name_en="Kosodate Koryu Plaza",
        city="久留米市",
        address="福岡県久留米市六ツ門町（デモ）",
        access="西鉄久留米駅から徒歩10分",
        phone="0942-00-0001",
        email="plaza@example.jp",
        latitude=Decimal("33.316300"),
        longitude=Decimal("130.515000"),
    ),
    dict(
        slug="sukoyaka-plus",
        display_order=90,
        name="すこやかひろば・ぷらす（額部保育所）",
        name_en="Sukoyaka Hiroba Plus (Nukabe Nursery)",
        city="松阪市",
        address="三重県松阪市（デモ）",
        access="",
        phone="0598-00-0001",
        email="plus@example.jp",
    ),
    dict(
        slug="tokotoko",
        display_order=100,
        name="地域子育て支援拠点「とことこ」",
        name_en="Tokotoko Child-care Support Hub",
        city="横浜市金沢区",
        address="神奈川県横浜市金沢区（デモ）",
        access="京急金沢文庫駅から徒歩7分",
        phone="045-000-0001",
        email="tokotoko@example.jp",
    ),
]

# display_order: the centre's courses and classes first (講座, 教室), then the meetups and play
# sessions, the seminar for managers and the consultations last; steps of 10 leave room between.
PROGRAMS = [
    dict(
        slug="smile-papa",
        display_order=10,
        title="まつさかスマイルパパ講座",
        waitlist_limit=5,
        title_en="Matsusaka Smile Papa course",
        description="育児スキルの紹介、相談窓口の案内、地域資源の活用法、職場と家庭の両立のヒント。父親同士の交流の場です。",
        audience=Audience.FATHERS,
        what_to_bring="筆記用具",
        party_counting=PartyCounting.ADULTS_ONLY,
        max_adults=2,
        max_children=2,
        childcare_offered=True,
    ),
    dict(
        slug="maternity-meetup",
        display_order=50,
        title="マタニティ交流会",
        title_en="Maternity meetup",
        description="妊娠中から地域の子育て支援施設を知り、妊婦同士がつながる交流会です。",
        audience=Audience.EXPECTANT_PARENTS,
        what_to_bring="母子健康手帳",
        requires_due_date=True,
        eligibility_note="妊娠中の方とそのパートナーが対象です。出産予定日をご入力ください。",
        party_counting=PartyCounting.ADULTS_ONLY,
        max_adults=2,
        max_children=0,
    ),
    dict(
        slug="maternity-class",
        display_order=30,
        title="マタニティ教室",
        title_en="Maternity class",
        description="沐浴の練習、お父さんの妊婦体験ジャケット体験など。",
        audience=Audience.EXPECTANT_PARENTS,
        what_to_bring="母子健康手帳、タオル",
        requires_due_date=True,
        eligibility_note="妊娠中の方とそのパートナーが対象です。",
        party_counting=PartyCounting.ADULTS_ONLY,
        max_adults=2,
        max_children=0,
        booking_mode=BookingMode.LOTTERY,
        priority_groups=[
            {
                "key": "first_pregnancy",
                "label": "初めての妊娠の方",
                "label_en": "Expecting your first baby",
                "label_zh-hans": "第一次怀孕的人",
                "label_ko": "첫 임신이신 분",
                "label_pt-br": "Primeira gravidez",
                "label_vi": "Người mang thai lần đầu",
                "label_ja-easy": "はじめて 赤ちゃんが おなかに いる 人",
            }
        ],
    ),
    dict(
        slug="ikuboss-seminar",
        display_order=90,
        title="イクボスセミナー",
        title_en="Ikuboss seminar",
        description="部下のキャリアとワークライフバランスを応援する上司のためのセミナー。",
        audience=Audience.MEMBER_MANAGERS,
        requires_company=True,
        asks_attendee_names=True,
        eligibility_note="鹿児島市イクボス推進同盟の加盟企業・団体の管理職の方が対象です。",
        party_counting=PartyCounting.ADULTS_ONLY,
        max_adults=3,
        max_children=0,
    ),
    dict(
        slug="rinyushoku",
        display_order=40,
        waitlist_limit=5,
        title="離乳食教室",
        title_en="Weaning-food class",
        description="お口の機能と食習慣について学びます。",
        audience=Audience.PARENTS_AGE_BAND,
        requires_child_ages=True,
        child_age_min_months=5,
        child_age_max_months=11,
        eligibility_note="生後5か月から11か月のお子さんの保護者が対象です。",
        what_to_bring="母子健康手帳、エプロン",
        party_counting=PartyCounting.ADULTS_ONLY,
    ),
    dict(
        slug="bookstart",
        display_order=80,
        title="ブックスタート",
        title_en="Bookstart",
        description="絵本を通じて赤ちゃんと楽しい時間を。読み聞かせを体験します。",
        audience=Audience.PARENTS_AGE_BAND,
        requires_child_ages=True,
        child_age_min_months=0,
        child_age_max_months=11,
        party_counting=PartyCounting.ADULTS_AND_CHILDREN,
    ),
    dict(
        slug="fureai-0-1",
        display_order=70,
        title="年齢別 親子ふれあい遊び（0〜1歳）",
        title_en="Parent-child play (0-1 years)",
        description="0〜1歳のお子さんと保護者のふれあい遊び。",
        audience=Audience.PARENTS_AGE_BAND,
        requires_child_ages=True,
        child_age_min_months=0,
        child_age_max_months=23,
        party_counting=PartyCounting.CHILDREN_SEPARATE,
        what_to_bring="飲み物、タオル",
    ),
    dict(
        slug="parent-training",
        display_order=20,
        title="ペアレントトレーニング",
        title_en="Parent training",
        description="全4回の連続講座です。4回すべてにお申し込みください。",
        audience=Audience.ANYONE,
        party_counting=PartyCounting.ADULTS_ONLY,
        childcare_offered=True,
    ),
    dict(
        slug="sukoyaka-koryukai",
        display_order=60,
        title="健やか子育て交流会",
        title_en="Sukoyaka parenting exchange meeting",
        description="地区別の子育て交流会です。",
        audience=Audience.ANYONE,
    ),
    dict(
        slug="nyuen-soudan",
        display_order=110,
        title="入園相談会（出張形式）",
        title_en="Nursery admission consultation",
        description="入園に関するご相談をお受けします。",
        audience=Audience.PARENTS_AGE_BAND,
        party_counting=PartyCounting.ADULTS_ONLY,
    ),
    dict(
        slug="shigoto-cafe",
        display_order=100,
        title="しごと相談カフェ",
        title_en="Job consultation café",
        description="お仕事を探している保護者の方の相談会。",
        audience=Audience.ANYONE,
        party_counting=PartyCounting.ADULTS_ONLY,
        childcare_offered=True,
    ),
]


# キャンセル待ち上限: as centres set it, a handful of parties per session (10組 unless a
# programme above says otherwise); a longer list only makes parents wait for nothing.
for _program in PROGRAMS:
    _program.setdefault("waitlist_limit", 10)


@dataclass(frozen=True)
class DemoSession:
    program: str
    facility: str
    week: int
    weekday: int
    start: time
    minutes: int
    capacity: int
    fill: int = 0  # seats to fill with demo reservations (0 = none)
    cancelled: bool = False
    childcare: int | None = None
    children_capacity: int | None = None
    course: str | None = None
    applicants: int = 0  # lottery applications to add


SESSIONS = [
    DemoSession("smile-papa", "sukoyaka-plus", 1, 5, time(10), 90, 20, fill=18, childcare=5),
    DemoSession("smile-papa", "sukoyaka-plus", 5, 5, time(10), 90, 20, childcare=5),
    DemoSession("maternity-meetup", "kurume-plaza", 1, 2, time(13, 30), 90, 12, fill=11),
    DemoSession("maternity-meetup", "kurume-plaza", 4, 2, time(13, 30), 90, 12),
    DemoSession("maternity-meetup", "kurume-plaza", 7, 2, time(13, 30), 90, 12),
    DemoSession("maternity-class", "ribbonkan", 3, 5, time(10), 120, 16, applicants=14),
    DemoSession("ikuboss-seminar", "ribbonkan", 2, 3, time(15), 120, 60, fill=40),
    DemoSession("ikuboss-seminar", "ribbonkan", 6, 3, time(15), 120, 60),
    DemoSession("rinyushoku", "kagoshima-shien-1", 1, 1, time(10, 30), 60, 10, fill=10),
    DemoSession("rinyushoku", "kagoshima-shien-1", 3, 1, time(10, 30), 60, 10),
    DemoSession("bookstart", "tsudoi-higashi", 2, 4, time(10), 45, 15),
    DemoSession("bookstart", "tsudoi-nishi", 2, 4, time(14), 45, 15, cancelled=True),
    DemoSession("fureai-0-1", "ribbonkan", 1, 0, time(10), 60, 15, children_capacity=15),
    DemoSession("fureai-0-1", "ribbonkan", 2, 0, time(10), 60, 15, children_capacity=15),
    DemoSession("fureai-0-1", "tsudoi-minami", 3, 0, time(10), 60, 10, children_capacity=10),
    DemoSession("fureai-0-1", "tsudoi-kita", 4, 0, time(10), 60, 10, children_capacity=10),
    DemoSession("sukoyaka-koryukai", "tokotoko", 2, 2, time(10), 90, 30),
    DemoSession("sukoyaka-koryukai", "tokotoko", 6, 2, time(10), 90, 30),
    DemoSession("nyuen-soudan", "kagoshima-jido-1", 3, 3, time(13), 120, 20),
    DemoSession("shigoto-cafe", "ribbonkan", 4, 1, time(10), 90, 8, childcare=4),
    # The winter parent-training course: four Tuesdays in a row, booked as a whole.
    *(
        DemoSession(
            "parent-training",
            "sukoyaka-plus",
            week,
            1,
            time(10),
            90,
            12,
            childcare=4,
            course="parent-training-winter",
        )
        for week in (2, 3, 4, 5)
    ),
]


# Demo parents and their ふりがな, as parents type them (hiragana, now and then katakana), so the
# desk's roster sorts by reading (あいうえお順) as it does with real parties.
DEMO_NAMES = [
    ("山田 花子", "やまだ はなこ"),
    ("佐藤 太郎", "さとう たろう"),
    ("鈴木 美咲", "すずき みさき"),
    ("高橋 健", "タカハシ ケン"),
    ("田中 由美", "たなか ゆみ"),
    ("伊藤 大輔", "いとう だいすけ"),
    ("渡辺 さくら", "わたなべ さくら"),
    ("中村 翔", "なかむら しょう"),
]

# Managers a member company sends to a seminar that asks everyone's name (イクボスセミナー).
DEMO_MANAGERS = ["西郷 隆", "大久保 利", "篤姫 静", "島津 斉", "小松 帯"]
