"""Panels on the role-based home page.

Each app registers a function that, given the request, returns a panel (a
template and its context) for the signed-in user, or None when it has nothing
for them. The home view shows the panels in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


PanelProvider = Callable[[Any], "Panel | None"]
_PROVIDERS: list[PanelProvider] = []


def register(provider: PanelProvider) -> PanelProvider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def panels_for(request) -> list[Panel]:
    found = [p for p in (provider(request) for provider in _PROVIDERS) if p is not None]
    return sorted(found, key=lambda p: p.order)
