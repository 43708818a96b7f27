"""The daemon's HTTP/JSON API (its own small ASGI app over the action table, on a Unix socket)."""
