"""What the staff API answers for a party found: by a search (予約の検索) or by the code a
受付用QRコード gives."""

from core.fields import StrictBooleanField, StrictDateField
from core.serializers import SearchPagesSerializer
from staffdesk.serializers import ExportRowSerializer


class ScannedPartySerializer(ExportRowSerializer):
    """The party a 受付用QRコード names and the session it comes to today (``session``)."""

    checkable = StrictBooleanField(
        help_text="whether the booking holds seats to check in (else the check-in answers "
        "409 invalid_state)"
    )
    check_in_opens_on = StrictDateField(help_text="the session's day: check-in opens then")


class ReservationSearchSerializer(SearchPagesSerializer):
    upcoming = ExportRowSerializer(many=True)
    past = ExportRowSerializer(many=True)
