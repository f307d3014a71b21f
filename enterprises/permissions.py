"""Role gates for views: deny by default, everyone outside the named roles gets 404 or the login page."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from .roles import is_official, member_enterprise_id


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


official_required = role_required(is_official)
enterprise_user_required = role_required(lambda user: member_enterprise_id(user) is not None)
