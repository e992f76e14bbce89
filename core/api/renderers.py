"""Renderers that put every successful answer into the contract's envelope.

Views return plain serializer data; the envelope is added here so that no view can forget it.
Error bodies are built by ``core.api.errors`` and pass through unchanged.
"""

from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer


def envelope(data, response) -> dict:
    if response is None or response.status_code >= 400 or response.exception:
        return data
    body = {"success": True, "data": {} if data is None else data}
    meta = getattr(response, "envelope_meta", None)
    if meta is not None:
        body["meta"] = meta
    return body


class EnvelopeJSONRenderer(JSONRenderer):
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        return super().render(envelope(data, response), accepted_media_type, renderer_context)


class EnvelopeBrowsableAPIRenderer(BrowsableAPIRenderer):
    """The browsable API shows the same envelope that API clients receive."""

    def get_default_renderer(self, view):
        return EnvelopeJSONRenderer()
