"""Tether's ground floor: what every app shares and nothing that knows an app.

The API envelope and its error mapping, strict input fields, the domain's error type,
rate limits, cross-process locks and the Redis clients. It imports no Tether app; the apps
(``accounts`` < ``chats`` < ``messaging`` < ``moderation``) build on it, and the project
package ``tether`` (settings, URLs, ASGI, pages) sits on top of them all.
"""
