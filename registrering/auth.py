"""The authentication backend: Django's ModelBackend with two fewer queries on every request.

* The user is loaded with their jobcenter (every page shows it, and every read of citizen
  data is scoped by it).
* A user's permissions, their own and their groups', are read in one query instead of two.

Nothing else differs: inactive users are refused, superusers have every permission, and the
permissions are cached on the user object for the request only, so a change in a role
takes effect on the user's next request.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class Brugerbackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            bruger = model._default_manager.select_related("jobcenter").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return bruger if self.user_can_authenticate(bruger) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app}.{kode}" for app, kode in perms.values_list("content_type__app_label", "codename").distinct()
            }
        return user_obj._perm_cache
