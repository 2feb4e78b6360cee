"""Template tags about how people log in: ``{% load identity %}{% oidc_enabled as flag %}``."""

from django import template

from avustus.accounts import identity

register = template.Library()


@register.simple_tag
def oidc_enabled() -> bool:
    """Whether the OpenID Connect (Suomi.fi) login is configured; see ``avustus.accounts.identity``."""
    return identity.oidc_enabled()
