"""The admin of member lists: a list with its members inline (official name, reading, active),
and a box to load many at once, one per line as ``name, reading``
(``events.member_lists``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.member_lists import member_lines_parsed, member_list_import
from events.models import MemberList, MemberOrganisation


class MemberInline(admin.TabularInline):
    model = MemberOrganisation
    fields = ["name", "reading", "active"]
    extra = 0


class MemberListForm(forms.ModelForm):
    members_import = forms.CharField(
        label=_("Add members, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "株式会社さくら, さくら"}),
        help_text=_(
            "Name, a comma and the reading in kana on each line. A name the list holds gets the "
            "reading and is active again. A bad line saves nothing."
        ),
    )

    class Meta:
        model = MemberList
        fields = ["name"]

    def clean_members_import(self):
        return member_lines_parsed(self.cleaned_data.get("members_import", ""))


class MemberListAdmin(admin.ModelAdmin):
    form = MemberListForm
    inlines = [MemberInline]
    list_display = ["name", "member_count"]
    search_fields = ["name", "members__name", "members__reading"]

    def get_queryset(self, request):
        active = Count("members", filter=Q(members__active=True))
        return super().get_queryset(request).annotate(active_members=active)

    @admin.display(description=_("current members"), ordering="active_members")
    def member_count(self, obj: MemberList) -> int:
        return obj.active_members

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        members = form.cleaned_data.get("members_import") or []
        if members:
            added = member_list_import(member_list=form.instance, members=members)
            self.message_user(
                request,
                ngettext("%(n)d member added.", "%(n)d members added.", added) % {"n": added},
                messages.SUCCESS,
            )
