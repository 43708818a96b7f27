#!/usr/bin/env bash
# Set everything up, then run the whole test suite (unit + real-QEMU integration), in parallel.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HVMCTL_GUEST_CACHE=${HVMCTL_GUEST_CACHE:-/var/cache/hvmctl-guests}
# build the test guests once, before the parallel workers ask for them
.venv/bin/python -m tests.fixtures.guests build >/dev/null
.venv/bin/python -m mypy --strict hvmctl
exec .venv/bin/python -m pytest -n "${HVMCTL_TEST_JOBS:-4}" -p no:cacheprovider -q "$@" tests
