"""The department role: which department a user works for."""

from django.core.exceptions import ObjectDoesNotExist


def member_department_id(user) -> int | None:
    """The department a department user works for, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.department_membership.department_id
    except ObjectDoesNotExist:
        return None
