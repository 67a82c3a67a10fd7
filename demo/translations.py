"""The demo catalogue in every language the product speaks, so that a newcomer sees the whole
product in each: programme titles, descriptions, what to bring and eligibility, facility names
and access notes (events.translation's columns). Addresses stay in Japanese, as maps and
taxis read them. やさしい日本語 writes ふりがな as ``{漢字|かんじ}`` (core.ruby).
"""

from __future__ import annotations

from django.db import transaction

from demo.programme_texts import PROGRAMS
from events.models import Facility, Program

# slug -> language -> (name, access notes)
FACILITIES: dict[str, dict[str, tuple[str, str]]] = {
    "ribbonkan": {
        "en": ("", "3 minutes' walk from the Shiyakusho-mae tram stop. No parking."),
        "zh-hans": ("健康育儿交流馆（Ribbonkan）", "从市电“市役所前”站步行3分钟。没有停车场。"),
        "ko": (
            "건강 육아 교류관 (리본칸)",
            "시전 '시야쿠쇼마에' 정류장에서 도보 3분. 주차장은 없습니다.",
        ),
        "pt-br": (
            "Centro de Convivência Sukoyaka (Ribbonkan)",
            "A 3 minutos a pé da parada de bonde Shiyakusho-mae. Não há estacionamento.",
        ),
        "vi": (
            "Nhà giao lưu nuôi dạy trẻ Sukoyaka (Ribbonkan)",
            "Đi bộ 3 phút từ trạm tàu điện Shiyakusho-mae. Không có bãi đỗ xe.",
        ),
        "ja-easy": (
            "すこやか {子育|こそだ}て {交流館|こうりゅうかん}（りぼんかん）",
            "{市電|しでん}の「{市役所前|しやくしょまえ}」から {歩|ある}いて 3{分|ぷん}です。"
            "{車|くるま}を とめる ところは ありません。",
        ),
    },
    "kurume-plaza": {
        "en": ("", "10 minutes' walk from Nishitetsu Kurume Station."),
        "zh-hans": ("育儿交流广场", "从西铁久留米站步行10分钟。"),
        "ko": ("육아 교류 플라자", "니시테쓰 구루메역에서 도보 10분."),
        "pt-br": (
            "Praça de Convivência Kosodate",
            "A 10 minutos a pé da estação Nishitetsu Kurume.",
        ),
        "vi": ("Quảng trường giao lưu nuôi dạy trẻ", "Đi bộ 10 phút từ ga Nishitetsu Kurume."),
        "ja-easy": (
            "{子育|こそだ}て {交流|こうりゅう}プラザ",
            "{西鉄久留米駅|にしてつくるめえき}から {歩|ある}いて 10{分|ぷん}です。",
        ),
    },
    "sukoyaka-plus": {
        "zh-hans": ("健康广场·Plus（额部保育所）", ""),
        "ko": ("스코야카 히로바 플러스 (누카베 보육소)", ""),
        "pt-br": ("Sukoyaka Hiroba Plus (Creche Nukabe)", ""),
        "vi": ("Sukoyaka Hiroba Plus (Nhà trẻ Nukabe)", ""),
        "ja-easy": ("すこやかひろば・ぷらす（{額部|ぬかべ} {保育所|ほいくしょ}）", ""),
    },
}

# The other facilities: their names.
FACILITY_NAMES = {
    "tsudoi-higashi": (
        "亲子聚会广场（东）",
        "부모와 아이 모임 광장 (동)",
        "Praça Pais e Filhos (Leste)",
        "Quảng trường cha mẹ và con (Đông)",
        "{親子|おやこ}の ひろば（{東|ひがし}）",
    ),
    "tsudoi-nishi": (
        "亲子聚会广场（西）",
        "부모와 아이 모임 광장 (서)",
        "Praça Pais e Filhos (Oeste)",
        "Quảng trường cha mẹ và con (Tây)",
        "{親子|おやこ}の ひろば（{西|にし}）",
    ),
    "tsudoi-minami": (
        "亲子聚会广场（南）",
        "부모와 아이 모임 광장 (남)",
        "Praça Pais e Filhos (Sul)",
        "Quảng trường cha mẹ và con (Nam)",
        "{親子|おやこ}の ひろば（{南|みなみ}）",
    ),
    "tsudoi-kita": (
        "亲子聚会广场（北）",
        "부모와 아이 모임 광장 (북)",
        "Praça Pais e Filhos (Norte)",
        "Quảng trường cha mẹ và con (Bắc)",
        "{親子|おやこ}の ひろば（{北|きた}）",
    ),
    "kagoshima-shien-1": (
        "地区育儿支援中心（中央）",
        "지역 육아 지원 센터 (중앙)",
        "Centro de Apoio à Criação de Filhos (Centro)",
        "Trung tâm hỗ trợ nuôi dạy trẻ (Trung tâm)",
        "{子育|こそだ}て {支援|しえん}センター（{中央|ちゅうおう}）",
    ),
    "kagoshima-jido-1": (
        "儿童中心（鸭池）",
        "아동 센터 (가모이케)",
        "Centro Infantil (Kamoike)",
        "Trung tâm thiếu nhi (Kamoike)",
        "{子|こ}どもの センター（{鴨池|かもいけ}）",
    ),
    "tokotoko": (
        "地区育儿支援据点“Tokotoko”",
        "지역 육아 지원 거점 '토코토코'",
        "Centro de Apoio Tokotoko",
        "Điểm hỗ trợ nuôi dạy trẻ Tokotoko",
        "{子育|こそだ}ての ひろば「とことこ」",
    ),
}
for _slug, _names in FACILITY_NAMES.items():
    FACILITIES[_slug] = {
        language: (name, "")
        for language, name in zip(("zh-hans", "ko", "pt-br", "vi", "ja-easy"), _names, strict=True)
    }

FIELDS_PROGRAM = ("title", "description", "what_to_bring", "eligibility_note")
FIELDS_FACILITY = ("name", "access")


def column(field: str, language: str) -> str:
    return f"{field}_{language.replace('-', '_')}"


@transaction.atomic
def demo_translations_apply() -> int:
    """Write the demo's translations (what is given; empty stays a fallback); return rows."""
    changed = 0
    for model, table, fields in (
        (Program, PROGRAMS, FIELDS_PROGRAM),
        (Facility, FACILITIES, FIELDS_FACILITY),
    ):
        for slug, by_language in table.items():
            values = {
                column(field, language): text
                for language, texts in by_language.items()
                for field, text in zip(fields, texts, strict=True)
                if text
            }
            changed += model.objects.filter(slug=slug).update(**values)
    return changed
