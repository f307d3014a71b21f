"""The history of a filing's states: one row per transition, written by the workflow."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certification.models.filing import Application


class ApplicationEvent(models.Model):
    """One step of a filing's history. Append-only: written by the services, never changed."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_state = models.CharField(_("原状态"), max_length=16, choices=Application.State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=Application.State.choices)
    comment = models.TextField(_("意见"), blank=True)
    field_comments = models.JSONField(_("逐项意见"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The day a filing was recommended, read for every filing of a notice batch or the batch form
            # to sort them: one index-only probe each instead of reading all of a filing's events.
            models.Index(
                fields=["application", "-created_at", "-id"],
                condition=models.Q(to_state="recommended"),
                name="applicationevent_recommended",
            ),
        ]
        verbose_name = _("申报流转记录")
        verbose_name_plural = _("申报流转记录")

    def __str__(self):
        return f"{self.application_id}: {self.from_state or '-'} → {self.to_state}"
