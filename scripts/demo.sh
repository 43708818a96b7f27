#!/usr/bin/env bash
# Set everything up on a fresh Debian 12 machine (as root), then run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python scripts/demo.py
