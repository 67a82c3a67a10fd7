"""The demo's member list: 鹿児島市イクボス推進同盟 with a few fictional members (no real company's
name), which the demo's イクボスセミナー is limited to."""

from __future__ import annotations

from events.models import MemberList, MemberOrganisation, Program

MEMBER_LIST_NAME = "鹿児島市イクボス推進同盟"
MEMBER_PROGRAM = "ikuboss-seminar"
# Official name and reading; the demo's parties of the seminar come from 株式会社デモ商事.
MEMBERS = [
    ("株式会社デモ商事", "でもしょうじ"),
    ("南風ソフトウェア株式会社", "なんぷうそふとうぇあ"),
    ("社会福祉法人ひなたの杜", "ひなたのもり"),
    ("有限会社くすのき設計", "くすのきせっけい"),
    ("医療法人あおば会", "あおばかい"),
    ("一般社団法人しらす台まちづくり協会", "しらすだいまちづくりきょうかい"),
    ("株式会社みなと丸運輸", "みなとまるうんゆ"),
    ("錦江デモ電機株式会社", "きんこうでもでんき"),
]


def demo_members_load(programs: dict[str, Program]) -> int:
    """Create the list and its members if missing, and limit the seminar to it (once: staff
    may have changed the programme since); return how many members were created."""
    member_list, list_created = MemberList.objects.get_or_create(name=MEMBER_LIST_NAME)
    created = 0
    for name, reading in MEMBERS:
        _member, was_created = MemberOrganisation.objects.get_or_create(
            member_list=member_list, name=name, defaults={"reading": reading}
        )
        created += was_created
    program = programs.get(MEMBER_PROGRAM)
    if program is not None and program.member_list_id is None and list_created:
        program.member_list = member_list
        program.save(update_fields=["member_list"])
    return created
