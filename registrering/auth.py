"""The authentication backend: Django's ModelBackend with fewer queries on every request.

* The user is loaded with their jobcenter (every page shows it, and every read of citizen
  data is scoped by it).
* A user's permissions, their own and their roles' (groups'), are read in one query instead
  of two, and kept in the process under the permissions' version that the database gives
  every change of what they are made of (migration 0025: a trigger on the role, permission,
  user-role, user-permission and content-type tables). The version is read in the same
  statement as the code lists' version, once per request (registrering/kodecache.py), so a
  staff page no longer spends a query of its own on the permissions (docs/ydelse.md); a user
  the process has no entry for is read with both versions in one statement.

What a user or the law sees is unchanged. Inactive users have no permissions and superusers
every one, both decided from the user's row, which is read on every request (so neither is
cached here: the superuser's set is read as before). A change of a role, a user's roles or
their own permissions, committed by this process or any other, by the admin, a sign-in or
plain SQL, takes effect on the user's next request; within a request, the permissions are
kept on the user object as Django does, and a change made through the ORM in that request
makes the next look-up read the version again (:func:`connect`).

The cache is :data:`STOERRELSE` users at most, the least recently used dropped first; an
entry is a frozen set shared by the requests that use it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import kodecache

STOERRELSE = 5000

_lock = threading.Lock()
# user id -> (the permissions' version it was read under, the permissions)
_cache: OrderedDict[int, tuple[int, frozenset[str]]] = OrderedDict()


def _laes(user_obj) -> frozenset[str]:
    perms = Permission.objects.all()
    if not user_obj.is_superuser:
        perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
    return frozenset(
        f"{app}.{kode}" for app, kode in perms.values_list("content_type__app_label", "codename").distinct()
    )


# A user's own and their roles' permissions, with both versions, in one statement: one
# snapshot, so the set is never kept under a version other than the one it was read at.
_MED_VERSIONER = """
SELECT k.version, k.rettighedsversion, ARRAY(
    SELECT DISTINCT ct.app_label || '.' || p.codename
    FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
    WHERE p.id IN (SELECT e.permission_id FROM registrering_bruger_user_permissions e WHERE e.bruger_id = %s)
       OR p.id IN (
           SELECT gp.permission_id FROM auth_group_permissions gp
           JOIN registrering_bruger_groups bg ON bg.group_id = gp.group_id WHERE bg.bruger_id = %s
       )
)
FROM registrering_kodeversion k WHERE k.id = 1
"""


def _cachet(user_obj) -> frozenset[str]:
    """The user's permissions, from the process's cache while the version is unchanged.

    A user the process has no entry for (the first request after a sign-in, or a restart)
    costs one statement, as before the cache: it reads the versions and the permissions
    together, and the versions serve the rest of the request (the code lists read them
    too). A user with an entry costs the version, read once per request anyway; only an
    entry made stale by a change costs a second statement."""
    with _lock:
        post = _cache.get(user_obj.pk)
    if post is not None and post[0] == kodecache.rettighedsversion():
        with _lock:
            if user_obj.pk in _cache:
                _cache.move_to_end(user_obj.pk)
        return post[1]
    with connection.cursor() as c:
        c.execute(_MED_VERSIONER, [user_obj.pk, user_obj.pk])
        kodeversion, version, perms = c.fetchone()
    if kodecache.laest() is None:
        kodecache.husk((kodeversion, version))
    perms = frozenset(perms)
    with _lock:
        _cache[user_obj.pk] = (version, perms)
        _cache.move_to_end(user_obj.pk)
        while len(_cache) > STOERRELSE:
            _cache.popitem(last=False)
    return perms


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
            cache = not user_obj.is_superuser and user_obj.pk is not None
            user_obj._perm_cache = _cachet(user_obj) if cache else _laes(user_obj)
        return user_obj._perm_cache


def _aendret(sender, **kwargs) -> None:
    # A change of roles or permissions in this very request: read the version again.
    kodecache.forny()


def connect() -> None:
    """Called from the app's ready(): what makes a change in the same request count at once.

    The m2m managers (``user.groups.add``, ``group.permissions.remove``, the admin's forms)
    send ``m2m_changed``; a save or delete of a role, a permission or a content type sends
    ``post_save``/``post_delete``. Plain SQL and other processes send nothing: for them the
    database's version is what counts, and it is read at the next request. (No
    ``post_delete`` on the m2m tables' own models: a receiver there would make every
    ``remove`` read the rows before deleting them.)"""
    bruger = get_user_model()
    for model in (bruger.groups.through, bruger.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_aendret, sender=model, dispatch_uid=f"rettigheder-m2m-{model.__name__}")
    for model in (Group, Permission, ContentType):
        post_save.connect(_aendret, sender=model, dispatch_uid=f"rettigheder-gem-{model.__name__}")
        post_delete.connect(_aendret, sender=model, dispatch_uid=f"rettigheder-slet-{model.__name__}")
