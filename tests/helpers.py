"""Small helpers shared by the test modules (factories live in tests.factories, fixtures in conftest)."""

from django.contrib.messages import get_messages


def reload(obj):
    """A fresh copy of ``obj`` from the database; ``obj`` itself keeps the values it had."""
    return type(obj).objects.get(pk=obj.pk)


def messages_of(response) -> list[str]:
    """The flash messages of the response's request: those a rendered page shows (also at the end of a
    followed redirect), or those a view queued before redirecting."""
    return [str(m) for m in get_messages(response.wsgi_request)]
