"""`{% cached_section key %}…{% endcached_section %}`: a page section rendered once per key.

Unlike Django's `{% cache %}`, the stored HTML holds no CSRF token: forms inside the
section are drawn with a placeholder that each request replaces with its own token (a
token stored once would be another person's). An empty key renders the section live.

The view passes its data as lazy objects (`django.utils.functional.SimpleLazyObject`), so
a hit runs none of the section's queries.
"""

from __future__ import annotations

from django import template
from django.core.cache import cache
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from auditor.selectors.page_cache import SECTION_CACHE_SECONDS

register = template.Library()

CSRF_PLACEHOLDER = "csrf-placeholder-0f6c1d2e9b7a"


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
            with context.push(csrf_token=CSRF_PLACEHOLDER):
                html = self.nodelist.render(context)
            cache.set(key, html, SECTION_CACHE_SECONDS)
        if CSRF_PLACEHOLDER in html:
            html = html.replace(CSRF_PLACEHOLDER, str(context.get("csrf_token", "")))
        return mark_safe(html)  # noqa: S308 - the section's own template output, escaped when drawn


@register.tag
def cached_section(parser: Parser, token: Token) -> CachedSectionNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("cached_section takes one argument: the cache key")
    nodelist = parser.parse(("endcached_section",))
    parser.delete_first_token()
    return CachedSectionNode(nodelist, parser.compile_filter(bits[1]))
