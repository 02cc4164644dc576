"""API tokens: personal and integration keys (Power BI's scheduled refresh) that act as their owner.

Only a hash of each key is stored; the key itself is shown once, when it is created."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models

KEY_BYTES = 32
PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    """The stored form of a key: SHA-256 (a random 256-bit key needs no slow hash)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


class ApiToken(models.Model):
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. \"Power BI: quarterly dashboard\".")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=PREFIX_LENGTH, editable=False,
                              help_text="The key's first characters, to tell tokens apart.")
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked is not None

    @classmethod
    def issue(cls, *, owner, name: str) -> tuple[ApiToken, str]:
        """A new token and its key (the only time the key is known)."""
        key = new_key()
        token = cls.objects.create(owner=owner, name=name, key_hash=hash_key(key), prefix=key[:PREFIX_LENGTH])
        return token, key
