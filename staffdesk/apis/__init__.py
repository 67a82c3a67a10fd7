"""The staff desk's API (under /api/v1/), one module per concern."""

from core.csv_files import CSV_RESPONSE, FORMAT_PARAMETER, JSON_ERRORS, CSVRenderer, csv_response
from staffdesk.apis.catalogue import (
    SessionViewSet,
    audit,
)
from staffdesk.apis.common import (
    StaffApi,
    choice_param,
    parse_day,
    session_data,
)
from staffdesk.apis.desk import (
    CheckInApi,
    NoShowsApi,
    RosterApi,
    ScannedApi,
    TodayApi,
    WalkInApi,
)
from staffdesk.apis.notices import NoticeApi
from staffdesk.apis.parties import PartyApi, PartyCancelApi, PartyMoveApi
from staffdesk.apis.phone import (
    PhoneBookingApi,
    WinConfirmApi,
)
from staffdesk.apis.reports import (
    MAX_EXPORT_DAYS,
    ExportApi,
    ReportApi,
)
from staffdesk.apis.search import ReservationSearchApi
from staffdesk.apis.sessions import (
    AuditLogApi,
    CancelSessionApi,
    CapacityApi,
    DrawApi,
    MoveApi,
    PromoteApi,
    SessionDrawApi,
    WaitingListApi,
    waiting_list_data,
)

__all__ = [
    "AuditLogApi",
    "CSVRenderer",
    "CSV_RESPONSE",
    "CancelSessionApi",
    "CapacityApi",
    "CheckInApi",
    "DrawApi",
    "ExportApi",
    "FORMAT_PARAMETER",
    "JSON_ERRORS",
    "MAX_EXPORT_DAYS",
    "MoveApi",
    "NoShowsApi",
    "NoticeApi",
    "PartyApi",
    "PartyCancelApi",
    "PartyMoveApi",
    "PhoneBookingApi",
    "PromoteApi",
    "ReportApi",
    "ReservationSearchApi",
    "RosterApi",
    "ScannedApi",
    "SessionDrawApi",
    "SessionViewSet",
    "StaffApi",
    "TodayApi",
    "WaitingListApi",
    "WalkInApi",
    "WinConfirmApi",
    "audit",
    "choice_param",
    "csv_response",
    "parse_day",
    "session_data",
    "waiting_list_data",
]
