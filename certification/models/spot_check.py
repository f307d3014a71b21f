"""Spot checks (抽查, RULES.md §3): the year's recorded draw and one check per drawn registration.

The services are in :mod:`certification.services.spot_check`, the draw itself in
:mod:`certification.rules.spot_check`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from certification.models.registration import Registration, Revocation
from enterprises.models import District
from smeportal.uploads import random_stored_name


class SpotCheckDraw(models.Model):
    """The draw of one evaluation year: reproducible from its seed, recorded with who and when.

    ``population`` counts the registrations the sample was drawn from (the year's, not revoked, without
    the high-tech-certificate direct confirmations); ``excluded`` those confirmations left out.
    A draw by the management command has no ``drawn_by``."""

    year = models.PositiveSmallIntegerField(_("评价年度"), unique=True)
    share = models.DecimalField(_("抽查比例"), max_digits=4, decimal_places=3)
    seed = models.PositiveBigIntegerField(_("随机种子"))
    population = models.PositiveIntegerField(_("抽查范围企业数"))
    excluded = models.PositiveIntegerField(_("排除的高新技术企业数"))
    drawn = models.PositiveIntegerField(_("抽中企业数"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("抽取时间"))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("抽查抽取记录")
        verbose_name_plural = _("抽查抽取记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gt=Decimal(0), share__lte=Decimal(1)), name="spot_check_draw_share"
            ),
            models.CheckConstraint(condition=Q(drawn__lte=F("population")), name="spot_check_draw_within_population"),
            models.CheckConstraint(condition=Q(population=0) | Q(drawn__gte=1), name="spot_check_draw_at_least_one"),
        ]

    def __str__(self):
        return str(self.year)


def _evidence_path(instance, filename: str) -> str:
    return f"spot_checks/{random_stored_name(filename)}"


class SpotCheck(models.Model):
    """One drawn registration, assigned to the district that managed the enterprise at the draw."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("待核查")
        PASSED = "passed", _("核查通过")
        FAILED = "failed", _("核查未通过")

    # The revocation grounds a failed check can give (RULES.md §3: a failed check or no answer).
    FAILURE_GROUNDS = (Registration.Grounds.CONDITIONS_NOT_MET, Registration.Grounds.NO_SPOT_CHECK_REPLY)
    FAILURE_GROUND_CHOICES = [(grounds.value, grounds.label) for grounds in FAILURE_GROUNDS]

    draw = models.ForeignKey(SpotCheckDraw, verbose_name=_("抽取记录"), on_delete=models.PROTECT, related_name="checks")
    registration = models.ForeignKey(
        Registration, verbose_name=_("入库登记"), on_delete=models.PROTECT, related_name="spot_checks"
    )
    district = models.ForeignKey(
        District, verbose_name=_("负责区县/功能区"), on_delete=models.PROTECT, related_name="spot_checks"
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.ASSIGNED)
    failure_grounds = models.CharField(_("未通过的事由"), max_length=24, choices=FAILURE_GROUND_CHOICES, blank=True)
    result_note = models.TextField(_("核查意见"), blank=True)
    evidence = models.FileField(_("核查材料"), upload_to=_evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("核查材料原文件名"), max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    revocation = models.ForeignKey(
        Revocation,
        verbose_name=_("撤销程序"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spot_checks",
    )

    class Meta:
        ordering = ["district__sort_order", "district__code", "registration__number"]
        verbose_name = _("抽查")
        verbose_name_plural = _("抽查")
        constraints = [
            models.UniqueConstraint(fields=["draw", "registration"], name="spot_check_once_per_draw"),
            models.CheckConstraint(
                condition=Q(state__in=["assigned", "passed", "failed"]), name="spot_check_state_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(state="assigned")
                    & Q(checked_at__isnull=True)
                    & Q(result_note="")
                    & Q(evidence="")
                    & Q(failure_grounds="")
                    & Q(revocation__isnull=True)
                )
                | (
                    Q(state="passed")
                    & Q(checked_at__isnull=False)
                    & ~Q(result_note="")
                    & ~Q(evidence="")
                    & Q(failure_grounds="")
                    & Q(revocation__isnull=True)
                )
                | (
                    Q(state="failed")
                    & Q(checked_at__isnull=False)
                    & ~Q(result_note="")
                    & ~Q(evidence="")
                    & Q(failure_grounds__in=["conditions_not_met", "no_spot_check_reply"])
                    & Q(revocation__isnull=False)
                ),
                name="spot_check_result_consistent",
            ),
        ]
        indexes = [models.Index(fields=["draw", "district", "state"], name="spot_check_district_state")]

    def __str__(self):
        return f"{self.draw_id} · {self.registration_id} · {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.ASSIGNED
