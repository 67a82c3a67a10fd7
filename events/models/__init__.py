"""The catalogue: facilities, programmes (event series and their rules), member lists, courses,
sessions, staff memberships. One module per concern; every name is imported from here."""

from events.models.facilities import FACILITY_ORDER, Facility
from events.models.members import MEMBER_ORDER, MemberList, MemberOrganisation
from events.models.programs import (
    PROGRAM_ORDER,
    Audience,
    BookingMode,
    Course,
    PartyCounting,
    Program,
    default_reminder_offsets,
)
from events.models.sessions import LONGEST_SESSION, Session, SessionStatus
from events.models.staff import StaffLogEntry, StaffMembership, StaffRole

__all__ = [
    "FACILITY_ORDER",
    "LONGEST_SESSION",
    "MEMBER_ORDER",
    "PROGRAM_ORDER",
    "Audience",
    "BookingMode",
    "Course",
    "Facility",
    "MemberList",
    "MemberOrganisation",
    "PartyCounting",
    "Program",
    "Session",
    "SessionStatus",
    "StaffLogEntry",
    "StaffMembership",
    "StaffRole",
    "default_reminder_offsets",
]
