"""Serializers read only what their view prepared for the whole page.

A serializer that quietly fetched a missing value would cost a query (or a Redis call) per
row; these helpers make the omission an error the first test finds instead.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist


class NotPrepared(LookupError):
    """A view forgot to load, once for the page, something its serializer reads."""


def from_context(serializer: Any, key: str) -> Any:
    """``serializer.context[key]``, which the view must provide."""
    try:
        return serializer.context[key]
    except KeyError:
        raise NotPrepared(
            f"{type(serializer).__name__} needs context[{key!r}], loaded once for the page"
        ) from None


def annotated(instance: Any, attribute: str, selector: str) -> Any:
    """``instance.<attribute>``, which ``selector`` annotates or prefetches."""
    try:
        return getattr(instance, attribute)
    except AttributeError:
        raise NotPrepared(
            f"{type(instance).__name__}.{attribute} is missing: load it with {selector}"
        ) from None


def prefetched(instance: Any, relation: str, selector: str) -> list:
    """The rows of ``instance.<relation>`` that ``selector`` prefetched."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    if relation not in cache:
        raise NotPrepared(
            f"{type(instance).__name__}.{relation} is not prefetched: load it with {selector}"
        )
    return list(cache[relation])


def selected(instance: Any, relation: str, selector: str) -> Any:
    """``instance.<relation>`` (a one-to-one or foreign key, None where there is none) that
    ``selector`` joined or prefetched."""
    descriptor = getattr(type(instance), relation)
    if not descriptor.is_cached(instance):
        raise NotPrepared(
            f"{type(instance).__name__}.{relation} is not loaded: load it with {selector}"
        )
    try:
        return getattr(instance, relation)
    except ObjectDoesNotExist:
        return None
