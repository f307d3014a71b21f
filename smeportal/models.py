"""Base models shared by the domain apps (who changed a row; a long job's progress), the in-portal
notifications and the users' API tokens."""

from __future__ import annotations

import hashlib
import secrets
from contextlib import contextmanager

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from .constraints import ChecksInOneQuery
from .display import Message, shown_message


class TrackedModel(ChecksInOneQuery):
    """Records who created and last changed a row, and when (and validates its check constraints in one
    query, :mod:`smeportal.constraints`).

    Who made a row is shown, never searched: the user columns are not indexed. An index on them was
    written by every insert (two of the enterprise table's fourteen, with a registry import writing
    100,000 rows) and read only when a user is deleted, which sets them to NULL by a scan instead.
    """

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        abstract = True


class BackgroundJob(models.Model):
    """A long piece of work run by a Celery task (an import, a quota run): who asked for it, its
    status, stage and progress for the progress page, and the error when it failed.

    The task reports through :meth:`report`, an UPDATE by primary key, so the page that polls the
    row sees each step at once and a step never overwrites fields it does not name.

    The tasks are acknowledged late, so a task whose worker dies (killed for its memory, say) is
    delivered again; each start is counted in ``attempts`` (:meth:`start_attempt`) and a job that
    keeps killing its workers is marked failed after ``settings.JOB_MAX_ATTEMPTS`` starts instead of
    being run forever.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    FINISHED_STATUSES = frozenset({Status.DONE, Status.FAILED})

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    stage = models.CharField(_("当前阶段"), max_length=100, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="%(app_label)s_%(class)s_progress_max"),
        ]

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    @classmethod
    def report(cls, pk: int, **fields) -> None:
        """Write one step of the job (status, progress, stage, error, counts, …) to its row."""
        cls.objects.filter(pk=pk).update(updated_at=timezone.now(), **fields)

    @classmethod
    def start_attempt(cls, pk: int, *, gave_up: str) -> bool:
        """Count one more start of the job's task, committed before the work begins. Past
        ``settings.JOB_MAX_ATTEMPTS`` starts, mark the job failed with ``gave_up`` (formatted with
        ``attempts``, the limit) and answer False: the task stops without running the work again."""
        cls.objects.filter(pk=pk).update(attempts=models.F("attempts") + 1, updated_at=timezone.now())
        attempts = cls.objects.filter(pk=pk).values_list("attempts", flat=True).first()
        limit = settings.JOB_MAX_ATTEMPTS
        if attempts is None or attempts <= limit:
            return True
        cls.report(
            pk,
            status=cls.Status.FAILED,
            stage=_("已停止重试"),
            error=gave_up % {"attempts": limit},
            finished_at=timezone.now(),
        )
        return False

    @classmethod
    def begin(cls, pk: int, *, gave_up: str):
        """``(job, None)`` for a job to run now (its start counted); ``(None, why)`` for one that is gone or
        done (``{"skipped": True}``) or past its attempts (with ``"gave_up": True``, see :meth:`start_attempt`)."""
        job = cls.objects.filter(pk=pk).first()
        if job is None or job.status == cls.Status.DONE:
            return None, {"skipped": True}
        if not cls.start_attempt(pk, gave_up=gave_up):
            return None, {"skipped": True, "gave_up": True}
        return job, None

    @classmethod
    @contextmanager
    def running(cls, pk: int, *, stage: str):
        """Mark the job running at ``stage`` for the block, then done; when the block raises, failed with the
        error (the exception goes on, so the task's own retry rules still apply)."""
        cls.report(pk, status=cls.Status.RUNNING, progress=0, stage=stage, error="", started_at=timezone.now())
        try:
            yield
        except Exception as error:
            cls.report(
                pk,
                status=cls.Status.FAILED,
                stage=_("计算失败"),
                error=f"{type(error).__name__}: {error}"[:2000],
                finished_at=timezone.now(),
            )
            raise
        cls.report(pk, status=cls.Status.DONE, progress=100, stage=_("已完成"), finished_at=timezone.now())


class Notification(models.Model):
    """An in-portal message to one user (e.g. a decision on the enterprise's filing)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.TextField(_("内容"))  # in the source language, Chinese
    # The msgid and parameters (smeportal.display.Message.as_data), so the reader reads it in their language.
    message_data = models.JSONField(_("内容（可翻译）"), null=True, blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self):
        return self.message[:50]

    @property
    def text(self) -> str:
        """The message in the reader's language."""
        stored = Message.from_data(self.message_data)
        return str(stored) if stored is not None else shown_message(self.message)


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """An API key of a user (``Authorization: Token <key>``). Only the key's SHA-256 digest is stored, so
    nobody, administrators included, can read a key back; the owner sees it once, when it is issued.

    A key carries the fingerprint of the password it was issued under: changing the password makes
    every earlier key invalid (as it ends every session)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=8, help_text=_("令牌的前几位，用于辨认。"))
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    password_fingerprint = models.CharField(_("密码指纹"), max_length=128)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return f"{self.user} · {self.prefix}…"

    @classmethod
    def issue(cls, user, name: str = "") -> tuple[ApiToken, str]:
        """A new token of ``user`` and its key, which is not stored and cannot be shown again."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name[:100],
            prefix=key[:8],
            digest=token_digest(key),
            password_fingerprint=user.get_session_auth_hash(),
        )
        return token, key

    @property
    def is_current(self) -> bool:
        """Issued under the user's current password."""
        return constant_time_compare(self.password_fingerprint, self.user.get_session_auth_hash())


class ChangeRecord(models.Model):
    """One change of one tracked row: who, when, why and each changed field's old and new value.

    Written by :mod:`smeportal.history` for every save, deletion, transition and bulk import of a
    tracked model, in JSON-safe values (dates ISO, decimals as strings, foreign keys as ids). A change
    stores ``{field: [old, new]}``; a creation or a deletion only ``{field: value}`` (every old, or
    new, value is None): half the JSON for the registry import's 100,000 rows. :meth:`pairs` gives
    ``[old, new]`` for all three. ``model`` and ``parent_model`` are model labels ("enterprises.enterprise"), so the
    bulk imports write their records without a lookup; an item of a filing names its filing as parent
    and appears in the filing's history.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("新建")
        CHANGED = "changed", _("修改")
        DELETED = "deleted", _("删除")

    model = models.CharField(_("对象类型"), max_length=60)
    object_id = models.BigIntegerField(_("对象 ID"))
    parent_model = models.CharField(_("所属对象类型"), max_length=60, blank=True)
    parent_id = models.BigIntegerField(_("所属对象 ID"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("原因"), blank=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices, default=Kind.CHANGED)
    changes = models.JSONField(_("变更内容"), default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        indexes = [
            models.Index(fields=["model", "object_id", "at"], name="change_record_object"),
            models.Index(
                fields=["parent_model", "parent_id", "at"],
                condition=models.Q(parent_id__isnull=False),
                name="change_record_parent",
            ),
        ]

    def __str__(self):
        return f"{self.model}#{self.object_id} · {self.at:%Y-%m-%d %H:%M}"

    def pairs(self) -> dict:
        """``{field: [old, new]}`` whatever the kind."""
        if self.kind == self.Kind.CREATED:
            return {name: [None, value] for name, value in self.changes.items()}
        if self.kind == self.Kind.DELETED:
            return {name: [value, None] for name, value in self.changes.items()}
        return self.changes


class SecurityEvent(models.Model):
    """One security-relevant event (网络安全等级保护 2.0's audit trail): a login, a failed login, a lockout,
    a credential or role change, an export. Kept apart from the business history (:class:`ChangeRecord`),
    written only by :func:`smeportal.security.record_security_event`, never changed nor removed."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账号锁定")
        LOGOUT = "logout", _("退出登录")
        LOGOUT_EVERYWHERE = "logout_everywhere", _("全部设备退出登录")
        SESSION_EXPIRED = "session_expired", _("会话过期")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("申请重置密码")
        PASSWORD_RESET = "password_reset", _("重置密码")
        TOKEN_ISSUED = "token_issued", _("签发 API 令牌")
        TOKEN_REVOKED = "token_revoked", _("撤销 API 令牌")
        OTP_ENROLLED = "otp_enrolled", _("启用双因素认证")
        OTP_VERIFIED = "otp_verified", _("双因素验证通过")
        OTP_FAILED = "otp_failed", _("双因素验证失败")
        OTP_RECOVERY_USED = "otp_recovery_used", _("使用恢复码")
        OTP_RECOVERY_RENEWED = "otp_recovery_renewed", _("重新生成恢复码")
        OTP_DISABLED = "otp_disabled", _("停用双因素认证")
        OTP_RESET = "otp_reset", _("管理员重置双因素认证")
        CLAIM_APPROVED = "claim_approved", _("企业认领通过")
        ROLE_CHANGED = "role_changed", _("权限变更")
        EXPORT = "export", _("导出或下载")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("事件"), max_length=32, choices=Kind.choices)
    # The account concerned, and its name as it was (kept when the account is deleted or renamed).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    # Who did it when that is someone else (an administrator resetting a device, granting a role).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=255, blank=True)
    target = models.CharField(_("对象"), max_length=255, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"], name="security_event_user_at"),
            models.Index(fields=["kind", "-at"], name="security_event_kind_at"),
        ]
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Security events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Security events are append-only.")


class UserSession(models.Model):
    """A signed-in session of a user, so that "log out everywhere" finds every session of the user in
    whatever store keeps them (the session rows themselves carry no user column)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="user_session_user_created")]

    def __str__(self):
        return f"{self.user_id} · {self.created_at:%Y-%m-%d %H:%M}"
