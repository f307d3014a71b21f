from rest_framework import viewsets
from rest_framework.pagination import CursorPagination

from .filters import EnterpriseFilter
from .selectors import enterprises_visible_to
from .serializers import EnterpriseSerializer


class NewestFirstCursorPagination(CursorPagination):
    """Cursor pagination never counts the table, so a page costs the same at a million rows."""

    ordering = "-id"
    page_size = 50


class EnterpriseViewSet(viewsets.ReadOnlyModelViewSet):
    """Enterprises in the caller's scope (officials: district or city; enterprise users: their own)."""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        return enterprises_visible_to(self.request.user)
