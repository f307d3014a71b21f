"""Pieces the apps' admin classes share."""


class ReadOnlyAdminMixin:
    """Records the portal writes itself (history, audit, imports' outcomes): visible in the admin, never
    added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
