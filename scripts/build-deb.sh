#!/usr/bin/env bash
# Build hvmctl_VERSION_amd64.deb from this tree (as root, on Debian 12): ./scripts/build-deb.sh [OUTDIR]
# (default OUTDIR: build/deb). Prints the path of the package it made. Needs PyPI (pip).
#
# The Python code and its PyPI dependencies go into a private venv at /usr/lib/hvmctl. A
# venv is not relocatable (pip writes absolute paths into scripts, pyvenv.cfg and RECORD),
# so it is built AT /usr/lib/hvmctl: in a private mount namespace an overlay is mounted on
# /usr whose upper layer catches every write. The build host's /usr is never touched (not
# even an empty /usr/lib/hvmctl), a real install there does not get in the way, and no path
# is rewritten afterwards. The man pages and completion are made in the same namespace by
# running the staged CLI's --help (scripts/manpages.py).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
OUT=${1:-build/deb}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

[ "$(id -u)" = 0 ] || { echo "build-deb: run as root (it mounts an overlay in a private namespace)" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps unshare /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "build-deb: $tool missing (apt-get install dpkg-dev util-linux python3-venv)" >&2; exit 1; }
done

VERSION=$(sed -n 's/^version *= *"\(.*\)"/\1/p' pyproject.toml | head -n1)
[ -n "$VERSION" ] || { echo "build-deb: no version in pyproject.toml" >&2; exit 1; }
ARCH=amd64
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
# who built it: DEB_MAINTAINER, else the author of the tree's last commit
MAINTAINER=${DEB_MAINTAINER:-$(git log -1 --format='%an <%ae>' 2>/dev/null || echo "hvmctl developers <root@$(hostname -f)>")}

T0=$(date +%s)
stage() { echo "build-deb: $1 at $(( $(date +%s) - T0 )) s" >&2; }
WORK=$(mktemp -d /tmp/hvmctl-deb.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ROOT=$WORK/root
mkdir -p "$WORK/src" "$WORK/upper" "$WORK/ovwork" "$WORK/gen" "$ROOT"

# the tree as it is now (uncommitted edits included), without build products
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -C "$WORK/src" -xf -

# ---- the venv, at its final path ---------------------------------------------------------
unshare --mount --propagation private env T0="$T0" WORK="$WORK" VERSION="$VERSION" DATE="$DATE" bash -euo pipefail -c '
  mount -t overlay overlay -o "lowerdir=/usr,upperdir=$WORK/upper,workdir=$WORK/ovwork" /usr
  rm -rf /usr/lib/hvmctl   # a whiteout in the upper layer: a host install stays out of the build
  /usr/bin/python3 -m venv /usr/lib/hvmctl
  /usr/lib/hvmctl/bin/pip install -q --disable-pip-version-check --no-warn-script-location --no-compile "$WORK/src"
  /usr/lib/hvmctl/bin/pip uninstall -q -y pip setuptools
  echo "build-deb: venv built at $(( $(date +%s) - T0 )) s" >&2
  cd "$WORK"   # not the source tree: `python -m hvmctl` must import the staged copy
  /usr/lib/hvmctl/bin/python3 "$WORK/src/scripts/manpages.py" "$WORK/gen" --python /usr/lib/hvmctl/bin/python3 \
    --conf "/etc/default/hvmctl=$WORK/src/contrib/debian/default-hvmctl" \
    --conf "/etc/default/hvmctl-guests=$WORK/src/contrib/debian/default-hvmctl-guests" \
    --version "$VERSION" --date "$DATE"
'
stage "venv, man pages and completion done"
[ -d "$WORK/upper/lib/hvmctl/bin" ] || { echo "build-deb: the venv was not built" >&2; exit 1; }
mkdir -p "$ROOT/usr/lib"
cp -a "$WORK/upper/lib/hvmctl" "$ROOT/usr/lib/hvmctl"
# bytecode is compiled by the postinst (Debian policy), not shipped
find "$ROOT/usr/lib/hvmctl" -name __pycache__ -type d -prune -exec rm -rf {} +
# only our two commands: the dependencies' own scripts (uvicorn, fastapi, qmp-shell, ...) are
# no part of a dom0, and activate scripts are for interactive venvs
find "$ROOT/usr/lib/hvmctl/bin" -mindepth 1 -maxdepth 1 ! -name hvmctl ! -name xm ! -name 'python*' -delete
ln -sfn ../../../bin/python3 "$ROOT/usr/lib/hvmctl/bin/python3"   # relative: same target, lintian-clean
install -D -m 0644 contrib/debian/lintian-overrides "$ROOT/usr/share/lintian/overrides/hvmctl"
find "$ROOT/usr/lib/hvmctl" -name '*.so' -exec strip --strip-unneeded {} +

# ---- commands, units, settings, docs -----------------------------------------------------
install -d "$ROOT/usr/bin" "$ROOT/lib/systemd/system" "$ROOT/etc/default" "$ROOT/etc/xen/auto" "$ROOT/etc/hvmctl" \
  "$ROOT/usr/share/doc/hvmctl" "$ROOT/usr/share/bash-completion/completions" \
  "$ROOT/usr/share/man/man1" "$ROOT/usr/share/man/man5" "$ROOT/usr/share/man/man8"
ln -s ../lib/hvmctl/bin/hvmctl "$ROOT/usr/bin/hvmctl"
ln -s ../lib/hvmctl/bin/xm "$ROOT/usr/bin/xm"
install -m 0644 contrib/systemd/hvmctl.socket contrib/systemd/hvmctl.service contrib/systemd/hvmctl-guests.service \
  "$ROOT/lib/systemd/system/"
install -m 0644 contrib/debian/default-hvmctl "$ROOT/etc/default/hvmctl"
install -m 0644 contrib/debian/default-hvmctl-guests "$ROOT/etc/default/hvmctl-guests"
install -m 0644 contrib/debian/xmexample.hvm "$ROOT/etc/xen/xmexample.hvm"
install -m 0644 contrib/debian/hvmctl.conf "$ROOT/etc/hvmctl/hvmctl.conf"   # all commented: a sample
install -m 0644 "$WORK/gen/completion/hvmctl" "$ROOT/usr/share/bash-completion/completions/hvmctl"
ln -s hvmctl "$ROOT/usr/share/bash-completion/completions/xm"
for page in man1/xm.1 man1/hvmctl.1 man5/hvmctl.conf.5 man8/hvmctl-daemon.8; do
  gzip -9n < "$WORK/gen/$page" > "$ROOT/usr/share/man/$page.gz"
done
install -m 0644 contrib/debian/copyright "$ROOT/usr/share/doc/hvmctl/copyright"
install -m 0644 README.md docs/ARCHITECTURE.md "$ROOT/usr/share/doc/hvmctl/"
gzip -9n "$ROOT/usr/share/doc/hvmctl/README.md"   # ARCHITECTURE.md stays plain: hvmctl.service's Documentation=
{
  printf 'hvmctl (%s) unstable; urgency=medium\n\n' "$VERSION"
  printf '  * Package built from the hvmctl tree (git %s).\n\n' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  printf ' -- %s  %s\n' "$MAINTAINER" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$ROOT/usr/share/doc/hvmctl/changelog.gz"

stage "tree staged"
# ---- control -----------------------------------------------------------------------------
install -d "$ROOT/DEBIAN"
mkdir -p "$WORK/shlibs/debian"
printf 'Source: hvmctl\n\nPackage: hvmctl\nArchitecture: amd64\n' > "$WORK/shlibs/debian/control"
mapfile -t sos < <(find "$ROOT/usr/lib/hvmctl" -name '*.so*' -type f)
SHLIBS=libc6
if [ "${#sos[@]}" -gt 0 ]; then
  SHLIBS=$(cd "$WORK/shlibs" && dpkg-shlibdeps -O --ignore-missing-info "${sos[@]}" 2>/dev/null \
           | sed -n 's/^shlibs:Depends=//p')
  [ -n "$SHLIBS" ] || SHLIBS=libc6
fi
SIZE=$(du -sk --apparent-size "$ROOT" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s|@MAINTAINER@|$MAINTAINER|" -e "s/@SIZE@/$SIZE/" -e "s/@SHLIBS@/$SHLIBS/" contrib/debian/control.in > "$ROOT/DEBIAN/control"
install -m 0644 contrib/debian/conffiles "$ROOT/DEBIAN/conffiles"
install -m 0755 contrib/debian/postinst contrib/debian/prerm contrib/debian/postrm "$ROOT/DEBIAN/"
find "$ROOT" -type d -exec chmod 0755 {} +
(cd "$ROOT" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
   | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$ROOT/DEBIAN/md5sums"

stage "control made"
DEB="$OUT/hvmctl_${VERSION}_${ARCH}.deb"
# DEB_COMPRESS=gzip for a quick build (the package test): xz takes ~30 s of it
dpkg-deb --root-owner-group "-Z${DEB_COMPRESS:-xz}" --build "$ROOT" "$DEB" >/dev/null
stage "package written"
echo "$DEB"
