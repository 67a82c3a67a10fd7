"""Staff API tokens in the admin: for superusers (city administrators) only; and what every
app's admin shares (read-only rows, language names, JSON boxes that may be left empty)."""

from __future__ import annotations

import copy

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.models import ApiToken
from core.services import api_token_issue, api_token_revoke


class ReadOnlyAdmin:
    """Rows written by the services only: the admin shows them, never adds, changes or deletes.

    A mixin for ``ModelAdmin`` and inlines alike (inlines are asked with ``obj``).
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JSONOrDefaultField(forms.JSONField):
    """A JSON box left empty saves the column's default ([] or {}): Django's JSON form field
    gives None, which a column that is not nullable refuses with a 500."""

    def __init__(self, *args, default=None, **kwargs):
        self.default = default
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return self.default() if callable(self.default) else copy.deepcopy(self.default)
        return super().to_python(value)


class EmptyJSONAsDefault:
    """A ``ModelAdmin`` mixin: its JSON boxes of columns that are not nullable and have a
    default (a party's 配慮事項, a programme's priority groups) may be left empty."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField) and not db_field.null and db_field.has_default():
            kwargs.setdefault("form_class", JSONOrDefaultField)
            kwargs.setdefault("default", db_field.default)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def language_name(code: str) -> str:
    """A language code a row keeps ("ja", "pt-br") as the admin's language names it."""
    return str(dict(settings.LANGUAGES).get(code, code))


class LanguageFilter(admin.SimpleListFilter):
    """Filter on a ``language`` column by the languages' names, not their codes."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return list(settings.LANGUAGES)

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


class TokenStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", _("live")), ("revoked", _("revoked")), ("expired", _("expired"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "live":
            return queryset.filter(revoked_at__isnull=True).filter(
                Q(expires_at__isnull=True) | Q(expires_at__gt=now)
            )
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """List, issue and revoke tokens; a new token's key is shown once, in a message."""

    list_display = [
        "prefix",
        "user",
        "label",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "state",
    ]
    list_filter = [TokenStateFilter]
    list_select_related = ["user"]
    search_fields = ["prefix", "label", "user__username", "user__email"]
    ordering = ["-created_at"]
    actions = ["revoke"]
    autocomplete_fields = ["user"]

    def _superuser(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "label", "expires_at"]
        return ["user", "label", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]

    @admin.display(description=_("state"))
    def state(self, obj: ApiToken) -> str:
        if obj.revoked_at is not None:
            return str(_("revoked"))
        return str(_("live") if obj.is_live() else _("expired"))

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key = api_token_issue(obj)
        self.message_user(
            request,
            format_html(
                "{} <code>{}</code>",
                _("New token's key (copy it now: it is not stored and is never shown again):"),
                key,
            ),
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = api_token_revoke(tokens=queryset)
        message = ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
        self.message_user(request, message % {"count": count})
