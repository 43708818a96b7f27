"""The daemon's HTTP/JSON API (FastAPI, on a Unix socket)."""
