#!/usr/bin/env bash
# Install everything hvmctl needs on a fresh Debian 12 machine (as root), into ./.venv.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  qemu-system-x86 qemu-utils seabios ipxe-qemu iproute2 tar zstd
  # building the test guests and media offline (tests/fixtures/guests.py)
  busybox-static cpio syslinux-common syslinux isolinux xorriso mtools dosfstools fdisk
  python3-venv iputils-ping
  # storage tests: ext4 images for the PV (pygrub) guest, loop devices for phy: disks
  e2fsprogs mount
  # migration over ssh (the default transport): the client, and sshd for the tests
  openssh-server openssh-client
  # the Debian package (scripts/build-deb.sh) and its test in a clean Debian 12 root
  dpkg-dev lintian debootstrap
  # interop: the libvirt XML of `hvmctl profile --format libvirt` is defined in a private libvirtd
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients  # not -system: no system daemon started at install
  # the pool (issue 13): etcd's server and etcdctl; the tests run their own cluster on loopback
  etcd-server etcd-client
  # guests of today (issue 15): UEFI firmware, Secure Boot's signed chain, an emulated TPM 2.0
  ovmf swtpm swtpm-tools shim-signed grub-efi-amd64-signed grub-efi-amd64-bin grub-common
  # the web console's browser tests (issue 12): Debian's chromium, driven by Playwright
  chromium
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q -o DPkg::Lock::Timeout=300 >/dev/null
  apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" >/dev/null
fi
# the guest builders download kernels with apt-get download: make sure lists exist
if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock | grep -v partial)" ]; then
  apt-get update -q >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.hvmctl-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  # compat mode: a plain path entry; the default editable finder costs ~12 ms at every start
  .venv/bin/pip install -q --disable-pip-version-check -e '.[test]' --config-settings editable_mode=compat
  touch "$stamp"
fi
# bytecode up front: an editable install leaves the sources uncompiled, and `xm list`'s
# start-up budget has no room for compiling them (even where PYTHONDONTWRITEBYTECODE is set)
.venv/bin/python -m compileall -q hvmctl >/dev/null
# pip's console-script launchers import re (~8 ms of start-up here) to strip a Windows
# suffix from argv[0]: replace them with launchers that import nothing but the CLI
for name in xm hvmctl; do
  printf '#!%s\nimport sys\n\nfrom hvmctl.cli.main import main\n\nsys.exit(main())\n' "$PWD/.venv/bin/python" \
    > ".venv/bin/$name.new"
  chmod 755 ".venv/bin/$name.new"
  mv ".venv/bin/$name.new" ".venv/bin/$name"
done
