"""Sign-in throttling: two limits, where django-axes has one.

django-axes 8.3 compares every lockout parameter set with the same
AXES_FAILURE_LIMIT (the handler takes the largest count), so adding
"username" to AXES_LOCKOUT_PARAMETERS would let anyone lock a colleague out
with five wrong passwords. Its maintainers' advice for different limits is a
custom handler (jazzband/django-axes#661), and this is it:

- AXES_FAILURE_LIMIT failures for one username from one address lock that
  pair out (axes itself, AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]);
- AXES_USERNAME_FAILURE_LIMIT failures for one username from any addresses,
  within the cool-off, lock that username out everywhere until the cool-off
  has passed since the latest failure (0 turns this off).

The username-wide count is the sum of the per-pair records axes already keeps,
so nothing new is stored. ``get_failures`` is the one hook axes calls both
before authenticating (to refuse a locked-out attempt) and after a failure
(to decide whether this failure locks out), so both limits act in both places.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Sum


def username_failures(request, credentials: dict | None = None) -> int:
    """Failed sign-ins for the request's username from any address within the cool-off."""
    username = get_client_username(request, credentials)
    if not username:
        return 0
    attempts = AccessAttempt.objects.filter(username=username)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class SignInThrottle(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        limit = getattr(settings, "AXES_USERNAME_FAILURE_LIMIT", 0)
        if limit and username_failures(request, credentials) >= limit:
            # Count as the per-address limit reached, whichever address this is.
            return max(failures, get_failure_limit(request, credentials))
        return failures
