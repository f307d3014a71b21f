"""The one base of the refusals a business rule gives (a wrong state, a closed window, a duplicate).

Services raise a subclass of :class:`DomainError` with a message for users; the HTML views turn it
into a message (:func:`smeportal.views.run_service`), the API into 409
(:class:`smeportal.api.ServiceErrorsMixin`). Bad input is Django's ``ValidationError`` (400), a
record outside the actor's scope ``Http404``, a role that may not act ``PermissionDenied``.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request a business rule refuses; ``message`` is shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)

    def as_body(self) -> dict:
        """The API's 409 body; subclasses add what the user needs to act on the refusal."""
        return {"detail": self.message}
