"""The web app: server-rendered pages on top of the same API and WebSocket (API.md "Web pages")."""
