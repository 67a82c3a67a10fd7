"""Member lists the city keeps (e.g. 鹿児島市イクボス推進同盟's 81 加盟企業・団体) and their
members: a programme limited to a list takes bookings only for the list's active members."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.kana import is_kana, reading_folded

# Members are listed as a Japanese list is read, by their reading (よみがな); a name's code
# points put 株式会社 before every kana name and say nothing about the order people expect.
MEMBER_ORDER = ("reading", "name", "id")
READING_NOT_KANA = _("Write the reading in hiragana or katakana.")


class MemberList(models.Model):
    """A list of member companies and organisations, e.g. 鹿児島市イクボス推進同盟."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("member list")
        verbose_name_plural = _("member lists")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class MemberOrganisation(models.Model):
    """A company or organisation on a member list, under its official name."""

    member_list = models.ForeignKey(
        MemberList,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("member list"),
    )
    name = models.CharField(_("official name"), max_length=200)
    reading = models.CharField(
        _("reading (kana)"),
        max_length=200,
        help_text=_("The name in kana, for the order of the list."),
    )
    active = models.BooleanField(
        _("current member"), default=True, help_text=_("Only current members can book.")
    )

    class Meta:
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")
        ordering = MEMBER_ORDER
        constraints = [
            models.UniqueConstraint(
                fields=["member_list", "name"], name="member_organisation_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Every way in (the admin, its import, the demo) stores one script, so the order holds.
        self.name = " ".join(self.name.split())
        self.reading = reading_folded(self.reading)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        reading = reading_folded(self.reading)
        if reading and not is_kana(reading):
            raise ValidationError({"reading": READING_NOT_KANA})
