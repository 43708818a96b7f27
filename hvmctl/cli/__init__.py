"""Command-line front ends: `hvmctl` and its `xm` alias. Thin clients of the daemon's API."""
