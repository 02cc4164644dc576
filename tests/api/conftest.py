"""The read API's fixtures: clients by token, the demo council, and a clean rate-limit count per test."""

from __future__ import annotations

import pytest
from django.test import Client

from api.models import ApiToken


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Rate-limit counts live in the default cache under the token's or user's id, which repeat across
    rolled-back tests: each test starts from none."""
    from django.core.cache import caches

    caches["default"].clear()
    yield
    caches["default"].clear()


def token_for(user, name: str = "Power BI") -> str:
    return ApiToken.issue(owner=user, name=name)[1]


def header_client(user) -> tuple[Client, str]:
    key = token_for(user)
    return Client(HTTP_AUTHORIZATION=f"Token {key}"), key


@pytest.fixture
def demo_council(db, settings):
    """The demo council (figures, risks, controls, audit actions, placements; 2018/19 Q4 locked) and its users."""
    from organisation import demo

    demo.load_data()
    settings.DEBUG = True  # demo users are only created in debug mode
    demo.create_users()
    settings.DEBUG = False
    from django.contrib.auth import get_user_model

    return {user.username: user for user in get_user_model().objects.all()}
