"""`{% cached_section key %}…{% endcached_section %}`: a page section rendered once per key.

Unlike Django's `{% cache %}`, the stored HTML holds no CSRF token: forms inside the
section are drawn with a placeholder that each request replaces with its own token (a
token stored once would be another person's). An empty key renders the section live.

The view passes its data as lazy objects (`django.utils.functional.SimpleLazyObject`), so
a hit runs none of the section's queries.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from auditor.selectors.page_cache import SECTION_CACHE_SECONDS

register = template.Library()


@functools.cache
def csrf_placeholder() -> str:
    """The same in every process sharing the cache, and unguessable by a repository's author:
    a scanned file that held it would otherwise have a viewer's token written into it."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"cached-section-csrf", hashlib.sha256)
    return "csrf-" + digest.hexdigest()[:32]


class CachedSectionNode(template.Node):
    def __init__(self, nodelist: NodeList, key: FilterExpression) -> None:
        self.nodelist = nodelist
        self.key = key

    def render(self, context: Context) -> SafeString:
        key = self.key.resolve(context)
        if not key:
            return self.nodelist.render(context)
        html: str | None = cache.get(key)
        if html is None:
            with context.push(csrf_token=csrf_placeholder()):
                html = self.nodelist.render(context)
            cache.set(key, html, SECTION_CACHE_SECONDS)
        if csrf_placeholder() in html:
            html = html.replace(csrf_placeholder(), str(context.get("csrf_token", "")))
        return mark_safe(html)  # noqa: S308 - the section's own template output, escaped when drawn


@register.tag
def cached_section(parser: Parser, token: Token) -> CachedSectionNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("cached_section takes one argument: the cache key")
    nodelist = parser.parse(("endcached_section",))
    parser.delete_first_token()
    return CachedSectionNode(nodelist, parser.compile_filter(bits[1]))
