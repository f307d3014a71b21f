"""Registration (入库) with its number and validity, the serial sequences, and the revocation procedure."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certification.models.filing import Application
from enterprises.models import Enterprise
from smeportal.history import HistoryMixin, model_label
from smeportal.models import TrackedModel
from smeportal.uploads import random_stored_name


class Registration(HistoryMixin, TrackedModel):
    """The registration (入库) of a filing, with its number and validity."""

    history_parent = "application"
    history_prefix = "registration"

    class Grounds(models.TextChoices):
        CONDITIONS_NOT_MET = "conditions_not_met", _("不再符合评价条件")
        FRAUD = "fraud", _("存在严重弄虚作假行为")
        RESEARCH_MISCONDUCT = "research_misconduct", _("发生科研严重失信行为")
        MAJOR_INCIDENT = "major_incident", _("发生重大安全、重大质量事故或严重环境违法行为")
        LISTED = "listed", _("被列入经营异常名录或严重违法失信名单")
        NO_SPOT_CHECK_REPLY = "no_spot_check_reply", _("未按规定接受或答复抽查")

    class Standing(models.TextChoices):
        """What the public lookup and the proof of registration say of a registration on a given day."""

        VALID = "valid", _("有效")
        EXPIRED = "expired", _("已过期")
        REVOKED = "revoked", _("已撤销")

    application = models.OneToOneField(
        Application, verbose_name=_("申报"), on_delete=models.PROTECT, related_name="registration"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="registrations"
    )
    evaluation_year = models.PositiveSmallIntegerField(_("评价年度"))
    number = models.CharField(_("入库登记编号"), max_length=24, unique=True)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revocation_grounds = models.CharField(_("撤销事由"), max_length=24, choices=Grounds.choices, blank=True)
    revocation_reason = models.TextField(_("撤销说明"), blank=True)

    class Meta:
        ordering = ["-evaluation_year", "number"]
        verbose_name = _("入库登记")
        verbose_name_plural = _("入库登记")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="registration_validity"),
        ]
        indexes = [
            models.Index(fields=["enterprise", "evaluation_year"]),
            # The public lookup's order: a common name is read newest first until a page is full.
            models.Index(fields=["-evaluation_year", "number"], name="registration_lookup_order"),
        ]

    def __str__(self):
        return self.number

    def standing_on(self, day) -> Registration.Standing:
        if self.revoked_at is not None:
            return self.Standing.REVOKED
        return self.Standing.EXPIRED if self.valid_until < day else self.Standing.VALID


class RegistrationSequence(models.Model):
    """The last serial used per evaluation year and agency code; locked while numbers are assigned."""

    evaluation_year = models.PositiveSmallIntegerField(_("评价年度"))
    district_code = models.CharField(_("行政区划代码"), max_length=6)
    last_serial = models.PositiveIntegerField(_("已用顺序号"), default=0)

    class Meta:
        verbose_name = _("入库编号顺序号")
        verbose_name_plural = _("入库编号顺序号")
        constraints = [
            models.UniqueConstraint(fields=["evaluation_year", "district_code"], name="registration_sequence_unique"),
        ]

    def __str__(self):
        return f"{self.evaluation_year}{self.district_code}: {self.last_serial}"


def _defence_path(instance, filename: str) -> str:
    return f"revocations/{random_stored_name(filename)}"


class Revocation(HistoryMixin, TrackedModel):
    """The revocation procedure (撤销) of a registration, RULES.md §3: notice → the enterprise's written
    defence (申辩) within a deadline → finding → public announcement. The services are in
    :mod:`certification.revocation_services`."""

    class State(models.TextChoices):
        NOTICED = "noticed", _("已告知，待申辩")
        DEFENDED = "defended", _("已申辩，待决定")
        REVOKED = "revoked", _("已撤销")
        DISMISSED = "dismissed", _("不予撤销")

    OPEN_STATES = (State.NOTICED, State.DEFENDED)
    history_prefix = "revocations"

    registration = models.ForeignKey(
        Registration, verbose_name=_("入库登记"), on_delete=models.PROTECT, related_name="revocations"
    )
    grounds = models.CharField(_("撤销事由"), max_length=24, choices=Registration.Grounds.choices)
    reason = models.TextField(_("告知的事实和理由"))
    noticed_at = models.DateTimeField(_("告知时间"))
    defence_deadline = models.DateField(_("申辩截止日期"), help_text=_("告知次日起第10个工作日（含调休）。"))
    defence = models.TextField(_("书面申辩"), blank=True)
    defence_submitted_at = models.DateTimeField(_("申辩提交时间"), null=True, blank=True)
    defence_attachment = models.FileField(_("申辩材料"), upload_to=_defence_path, max_length=200, blank=True)
    defence_attachment_name = models.CharField(_("申辩材料原文件名"), max_length=200, blank=True)
    defended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申辩人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.NOTICED, db_index=True)
    finding = models.TextField(_("认定意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    announced_at = models.DateTimeField(_("公告时间"), null=True, blank=True)

    class Meta:
        ordering = ["-noticed_at", "-id"]
        verbose_name = _("撤销程序")
        verbose_name_plural = _("撤销程序")
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(state__in=["noticed", "defended"]),
                name="revocation_one_open_per_registration",
                violation_error_message=_("该入库登记已有进行中的撤销程序。"),
            ),
            models.CheckConstraint(
                condition=(Q(state__in=["noticed", "defended"]) & Q(decided_at__isnull=True))
                | (Q(state__in=["revoked", "dismissed"]) & Q(decided_at__isnull=False)),
                name="revocation_decided_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(announced_at__isnull=True) | Q(state="revoked"),
                name="revocation_announced_only_when_revoked",
            ),
        ]
        indexes = [models.Index(fields=["state", "announced_at"], name="revocation_state_announced")]

    def history_parent_key(self) -> tuple[str, int | None]:
        """In the history of the filing whose registration it revokes."""
        return model_label(Application), self.registration.application_id

    def __str__(self):
        return f"{self.registration_id} · {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def defence_open_on(self, day: dt.date) -> bool:
        """Whether the enterprise may still submit its defence on ``day`` (the deadline day included)."""
        return self.state == self.State.NOTICED and day <= self.defence_deadline

    def decidable_on(self, day: dt.date) -> bool:
        """A finding may be made once the defence is in, or once the deadline has passed without one."""
        return self.state == self.State.DEFENDED or (self.state == self.State.NOTICED and day > self.defence_deadline)
