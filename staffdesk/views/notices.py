"""The notice page (お知らせ): staff write to the parties of a session, see how many it reaches
and the email the first of them will read, then send it; parties without an email address are
listed with their phone numbers."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_http_methods

from core.errors import AppError
from events.staff_pages import staff_page
from notifications.models import NotificationKind
from staffdesk import services
from staffdesk.forms import NoticeForm
from staffdesk.views.common import form_error, page_session


@staff_page
@require_http_methods(["GET", "POST"])
def notice(request, pk: int):
    session = page_session(request, pk, manage=True)
    form = NoticeForm(request.POST or None)
    context = {"session": session, "form": form, "can_manage": True, "preview": None}
    status = 200
    if form.is_valid():
        values = {
            "session": session,
            "by": request.user,
            "message": form.cleaned_data["message"],
            "include_waiting": form.cleaned_data["include_waiting"],
        }
        try:
            if request.POST.get("confirm"):
                sent = services.session_notice_send(**values)
                messages.success(request, _sent_message(sent))
                return redirect(reverse("staff:notice", args=[session.pk]))
            # Before anything is sent: how many, who must be called, the email itself.
            context["preview"] = services.trial_change(
                lambda: services.session_notice_send(**values), NotificationKind.SESSION_NOTICE
            )
        except AppError as exc:
            form_error(form, exc)
    if form.errors:
        status = 409 if form.non_field_errors() else 400
    return render(request, "staff/notice.html", context, status=status)


def _sent_message(sent: services.NoticeResult) -> str:
    text = ngettext(
        "The notice was emailed to %(n)s party.",
        "The notice was emailed to %(n)s parties.",
        sent.emailed,
    ) % {"n": sent.emailed}
    if sent.without_email:
        phone = ngettext(
            "%(n)s party has no email address: tell them by phone.",
            "%(n)s parties have no email address: tell them by phone.",
            len(sent.without_email),
        ) % {"n": len(sent.without_email)}
        text = pgettext("sentences", "%(first)s %(second)s") % {"first": text, "second": phone}
    return text
