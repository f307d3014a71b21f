from rest_framework import permissions, viewsets
from rest_framework.pagination import CursorPagination

from .filters import EnterpriseFilter
from .roles import is_official, member_enterprise_id
from .selectors import enterprises_visible_to
from .serializers import EnterpriseSerializer


class NewestFirstCursorPagination(CursorPagination):
    """Cursor pagination never counts the table, so a page costs the same at a million rows."""

    ordering = "-id"
    page_size = 50


class HasEnterpriseScope(permissions.BasePermission):
    """Officials and enterprise users; everyone else is refused outright (deny by default)."""

    def has_permission(self, request, view):
        return is_official(request.user) or member_enterprise_id(request.user) is not None


class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    """Enterprises in the caller's scope (officials: district or city; enterprise users: their own)."""

    serializer_class = EnterpriseSerializer
    permission_classes = [permissions.IsAuthenticated, HasEnterpriseScope]
    filterset_class = EnterpriseFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        return enterprises_visible_to(self.request.user)
