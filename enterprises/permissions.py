"""Role gates for views, each declared once: deny by default, anonymous users go to the login page,
signed-in users without the role get 404 (the page's existence does not leak)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from .roles import is_city_official, is_official, member_enterprise_id


def role_required(*checks):
    """Allow the view when any check(user) is true; anonymous users go to login, others get 404."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(check(request.user) for check in checks):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def is_enterprise_user(user) -> bool:
    return member_enterprise_id(user) is not None


city_official_required = role_required(is_city_official)
official_required = role_required(is_official)
enterprise_user_required = role_required(is_enterprise_user)
