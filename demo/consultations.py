"""The demo's consultations: リボン館's 子育てコンシェルジュ and 保育士, with a week of hours,
子育てコンシェルジュ相談 and 入園相談 (idempotent)."""

from __future__ import annotations

from datetime import time

from django.db import transaction

from consultations.models import (
    AvailabilityWindow,
    ConsultationMode,
    ConsultationType,
    Counsellor,
    CounsellorRole,
)
from events.models import Facility

# weekday (0 = Monday): windows in Japan time
HOURS = {
    1: [(time(10), time(12)), (time(13), time(16))],
    3: [(time(10), time(12)), (time(13), time(16))],
    5: [(time(10), time(12))],
}
# display_order: the concierge first, the way in for any worry (it points families on to the
# other services), then the consultations on one subject (入園相談); steps of 10 leave room.
TYPES = [
    {
        "slug": "concierge",
        "display_order": 10,
        "title": "子育てコンシェルジュ相談",
        "description": "子育ての困りごとや不安をお聞きし、あなたに合ったサービスをご紹介します。",
        "audience": "妊娠中の方、就学前のお子さんの保護者",
        "minutes": 45,
        "buffer_minutes": 15,
        "mode": ConsultationMode.IN_PERSON,
        "topics": ["子育ての不安", "発達", "保育サービス", "妊娠・出産", "その他"],
        "role": CounsellorRole.CONCIERGE,
    },
    {
        "slug": "nyuen-soudan",
        "display_order": 20,
        "title": "入園相談",
        "description": "保育園・幼稚園の入園について、申し込みの流れや必要書類をご説明します。",
        "audience": "入園を考えている保護者",
        "minutes": 30,
        "buffer_minutes": 10,
        "mode": ConsultationMode.PHONE,
        "topics": ["申し込みの流れ", "必要書類", "見学", "その他"],
        "role": CounsellorRole.CHILDCARE_WORKER,
    },
]
NAMES = {
    CounsellorRole.CONCIERGE: "子育てコンシェルジュ",
    CounsellorRole.CHILDCARE_WORKER: "保育士",
}


@transaction.atomic
def demo_consultations_load(facility_slug: str = "ribbonkan") -> int:
    """Create the demo's counsellors and consultation types once; return how many types."""
    facility = Facility.objects.filter(slug=facility_slug).first()
    if facility is None:
        return 0
    created = 0
    for spec in TYPES:
        spec = dict(spec)
        role = spec.pop("role")
        counsellor, new = Counsellor.objects.get_or_create(
            facility=facility, role=role, defaults={"display_name": NAMES[role]}
        )
        if new:
            for weekday, windows in HOURS.items():
                for start, end in windows:
                    AvailabilityWindow.objects.create(
                        counsellor=counsellor, weekday=weekday, start_time=start, end_time=end
                    )
        kind, new = ConsultationType.objects.get_or_create(
            slug=spec.pop("slug"), defaults={"facility": facility, **spec}
        )
        kind.counsellors.add(counsellor)
        created += int(new)
    return created
