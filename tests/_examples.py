"""How many examples a property with its own cap runs under the loaded hypothesis profile.

Properties that are slow per example set a smaller ``max_examples`` than
the profile's. ``scaled(n)`` keeps their share: ``n`` under the ``ci``
profile (100 examples per property), a hundred times more under
``thorough`` (10,000), a fifth under ``floor`` (20).
"""

from __future__ import annotations

from hypothesis import settings

_CI_EXAMPLES = 100


def scaled(n: int) -> int:
    """``n`` examples at the ``ci`` profile's scale, scaled to the loaded profile's."""
    return max(1, n * settings.default.max_examples // _CI_EXAMPLES)
