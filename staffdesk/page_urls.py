"""Staff pages, included under /staff/ (namespace "staff")."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from core.login import StaffLoginForm, login_rate_limited
from staffdesk import views
from staffdesk.views.wins import win_confirm

app_name = "staff"

accounts = [
    path(
        "accounts/login/",
        login_rate_limited(
            auth_views.LoginView.as_view(
                template_name="staff/auth/login.html",
                authentication_form=StaffLoginForm,
                next_page=reverse_lazy("staff:today"),
                redirect_authenticated_user=True,
            )
        ),
        name="login",
    ),
    path(
        "accounts/logout/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("staff:login")),
        name="logout",
    ),
    path(
        "accounts/password-reset/",
        views.RateLimitedPasswordResetView.as_view(
            template_name="staff/auth/password_reset_form.html",
            email_template_name="staff/auth/password_reset_email.txt",
            subject_template_name="staff/auth/password_reset_subject.txt",
            success_url=reverse_lazy("staff:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="staff/auth/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="staff/auth/password_reset_confirm.html",
            success_url=reverse_lazy("staff:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="staff/auth/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]

urlpatterns = accounts + [
    path("", views.today, name="today"),
    path("reservations/", views.search, name="search"),
    path("check-in/<str:code>/", views.scanned, name="scanned"),
    path("sessions/<int:pk>/", views.roster, name="roster"),
    path("sessions/<int:pk>/check-in/", views.check_in, name="check-in"),
    path("sessions/<int:pk>/no-shows/", views.no_shows, name="no-shows"),
    path("sessions/<int:pk>/confirm-win/", win_confirm, name="confirm-win"),
    path("sessions/<int:pk>/walk-in/", views.walk_in, name="walk-in"),
    path("sessions/<int:pk>/phone/", views.phone_booking, name="phone-booking"),
    path("sessions/<int:pk>/notice/", views.notice, name="notice"),
    path("sessions/<int:pk>/phone/<str:code>/", views.phone_booked, name="phone-booked"),
    path("sessions/<int:pk>/slips/<str:code>/", views.slip, name="slip"),
    path("sessions/<int:pk>/parties/<str:code>/", views.party, name="party"),
    path("sessions/<int:pk>/change/", views.change, name="change"),
    path("sessions/<int:pk>/waiting-list/", views.waiting_list, name="waiting-list"),
    path("sessions/<int:pk>/print/", views.print_roster, name="print"),
    path("sessions/<int:pk>/name-cards/", views.print_name_cards, name="name-cards"),
    path("sessions/<int:pk>/roster.csv", views.roster_csv, name="roster-csv"),
    path("sessions/<int:pk>/audit/", views.audit, name="audit"),
    path("report/", views.report, name="report"),
    path("report.csv", views.report_csv, name="report-csv"),
    path("export/", views.export, name="export"),
]
