from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smeportal.models import TrackedModel


class Department(models.Model):
    """A city department (or the city commercial bank) that signs assistance agreements."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("市级部门")
        verbose_name_plural = _("市级部门")

    def __str__(self):
        return self.name


class DepartmentMembership(TrackedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="department_membership"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="memberships"
    )

    class Meta:
        verbose_name = _("部门用户")
        verbose_name_plural = _("部门用户")

    def __str__(self):
        return f"{self.user} → {self.department}"
