"""What the staff API reads and answers for one party: its booking with its history and emails
(the party's page at the desk), and the results of its change, move and cancellation."""

from rest_framework import serializers

from booking.models import HistoryNote, ReservationHistory, history_text
from core.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictDateField,
    StrictDateTimeField,
    StrictIntegerField,
    StrictTextField,
)
from staffdesk.serializers import StaffPartyResultSerializer


class PartyHistorySerializer(serializers.Serializer):
    """One line of a party's history: the status codes, the system's note code, and ``text``,
    the line as the desk's page words it in the request's language."""

    at = StrictDateTimeField(source="entry.at")
    from_status = StrictCharField(source="entry.from_status", help_text='"" for the booking')
    to_status = StrictCharField(source="entry.to_status")
    note = StrictCharField(
        source="entry.note",
        help_text="What the system noted: " + ", ".join(HistoryNote.values) + '; or ""',
    )
    rank = StrictIntegerField(source="entry.rank", allow_null=True, help_text="draw order")
    reason = StrictTextField(source="entry.reason", help_text="what a person wrote, as typed")
    actor = StrictCharField(source="who", help_text="保護者, システム（自動）, or a staff login")
    left_session = StrictIntegerField(
        source="entry.left_session_id",
        allow_null=True,
        help_text="For a move (note moved): the session the party left",
    )
    text = serializers.SerializerMethodField()

    def get_text(self, row) -> str:
        entry: ReservationHistory = row.entry
        return history_text(entry)


class PartyEmailSerializer(serializers.Serializer):
    at = StrictDateTimeField()
    kind = StrictCharField()
    status = StrictCharField()
    label = StrictCharField(source="kind_label")
    status_label = StrictCharField()


class StaffPartyDetailSerializer(StaffPartyResultSerializer):
    """A party as its page at the desk shows it."""

    due_date = StrictDateField(source="reservation.due_date", allow_null=True)
    needs = serializers.ListField(child=StrictCharField(), source="reservation.needs")
    needs_detail = StrictCharField(source="reservation.needs_detail")
    language = StrictCharField(source="reservation.language")
    created_at = StrictDateTimeField(source="reservation.created_at")
    party_changes = StrictIntegerField(source="reservation.party_changes")
    moves = StrictIntegerField(source="reservation.moves", help_text="changes of its date")
    position = StrictIntegerField(
        allow_null=True, help_text="Place on the waiting list (status waitlisted), else null"
    )
    changeable = StrictBooleanField(
        help_text="whether a manager may still change, move or cancel the booking (neither "
        "over nor cancelled, nor its session)"
    )
    history = PartyHistorySerializer(many=True)
    emails = PartyEmailSerializer(many=True)


class PartyChangedSerializer(StaffPartyResultSerializer):
    promoted = serializers.ListField(
        child=StrictCharField(),
        help_text="The codes of the parties the seats given back moved from the waiting list",
    )


class PartyCancelSerializer(serializers.Serializer):
    reason = StrictTextField(
        max_length=1000, help_text="Required; the parent's email carries it, as does the log."
    )
