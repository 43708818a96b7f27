"""Guests that start and stop with the host (Xen's ``xendomains`` service, S6).

Settings come from a file like ``/etc/sysconfig/xendomains`` (shell ``KEY=value`` lines; read
as data, never run by a shell). The keys hvmctl honours, with Xen's meaning:

====================== ===================================================================
XENDOMAINS_AUTO        directory of profile links started at host start (default PROFILE_DIR/auto)
XENDOMAINS_SAVE        directory guests are saved to at host stop; empty = shut them down
XENDOMAINS_RESTORE     restore the saved guests at host start (default true)
XENDOMAINS_STOP_MAXWAIT seconds an ACPI shutdown may take before the guest is destroyed (300)
XENDOMAINS_AUTO_ONLY   at host stop, only handle guests started from the auto directory
====================== ===================================================================

Host start restores saved guests first, then creates the auto guests that are not running
yet (by name): a guest that was saved is never started a second time from its profile. The
daemon runs host start itself once per boot (a marker in the runtime dir, which is a tmpfs
under systemd, tells a daemon restart from a host boot).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmctl.config import find_profile
from hvmctl.daemon.state import DomainState
from hvmctl.errors import ConfigError, HvmctlError, NotFoundError
from hvmctl.migration import saverestore, savefile

if TYPE_CHECKING:
    from hvmctl.daemon.domain import Domain
    from hvmctl.daemon.service import Daemon

log = logging.getLogger("hvmctl.hoststart")

SETTINGS_ENV = "HVMCTL_XENDOMAINS"
SETTINGS_DEFAULTS = (Path("/etc/sysconfig/xendomains"), Path("/etc/default/xendomains"))
MARKER = "host-started"
TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    auto_dir: Path
    save_dir: Path | None
    restore: bool
    stop_maxwait: float
    auto_only: bool
    source: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "auto_dir": str(self.auto_dir),
            "save_dir": str(self.save_dir) if self.save_dir else None,
            "restore": self.restore,
            "stop_maxwait": self.stop_maxwait,
            "auto_only": self.auto_only,
            "source": self.source,
        }


def parse_settings_text(text: str, *, filename: str = "<settings>") -> dict[str, str]:
    """``KEY=value`` lines with shell quoting; comments and blank lines skipped. Anything a
    shell would have to run (``$(...)``, backquotes) is refused rather than guessed at."""
    values: dict[str, str] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ")
        key, sep, value = line.partition("=")
        if not sep or not key.isidentifier():
            raise ConfigError(f"expected KEY=value, got {raw.strip()!r}", file=filename, line=lineno)
        if "$(" in value or "`" in value:
            raise ConfigError("command substitution is not supported", file=filename, line=lineno, key=key)
        try:
            words = shlex.split(value, comments=True)
        except ValueError as exc:
            raise ConfigError(f"bad quoting: {exc}", file=filename, line=lineno, key=key) from exc
        values[key] = " ".join(words)
    return values


def settings_path() -> Path | None:
    env = os.environ.get(SETTINGS_ENV)
    if env:
        return Path(env)
    return next((p for p in SETTINGS_DEFAULTS if p.is_file()), None)


def load_settings(daemon: "Daemon") -> Settings:
    """The xendomains settings in force (re-read on every use: editing the file is enough)."""
    path = settings_path()
    values: dict[str, str] = {}
    if path is not None and path.is_file():
        try:
            values = parse_settings_text(path.read_text(), filename=str(path))
        except OSError as exc:
            raise ConfigError(f"cannot read: {exc.strerror}", file=str(path)) from exc
    save = values.get("XENDOMAINS_SAVE", str(daemon.paths.state_dir / "save"))
    try:
        maxwait = float(values.get("XENDOMAINS_STOP_MAXWAIT", "300"))
    except ValueError as exc:
        raise ConfigError("XENDOMAINS_STOP_MAXWAIT: expected seconds", file=str(path)) from exc
    return Settings(
        auto_dir=Path(values.get("XENDOMAINS_AUTO") or daemon.paths.profile_dir / "auto"),
        save_dir=Path(save) if save else None,
        restore=values.get("XENDOMAINS_RESTORE", "true").lower() in TRUE,
        stop_maxwait=maxwait,
        auto_only=values.get("XENDOMAINS_AUTO_ONLY", "false").lower() in TRUE,
        source=str(path) if path else None,
    )


class HostLifecycle:
    """One per daemon: serialises host start and host stop."""

    def __init__(self, daemon: "Daemon") -> None:
        self.daemon = daemon
        self.lock = asyncio.Lock()
        self.task: asyncio.Task[dict[str, Any]] | None = None

    @property
    def marker(self) -> Path:
        return self.daemon.paths.run_dir / MARKER

    # ---- autostart links ---------------------------------------------------------------
    def auto_links(self) -> list[dict[str, Any]]:
        settings = load_settings(self.daemon)
        rows = []
        running = {d.name: d for d in self.daemon.domains.values()}
        if settings.auto_dir.is_dir():
            for link in sorted(settings.auto_dir.iterdir()):
                if link.name.startswith("."):
                    continue
                target = os.path.realpath(link)
                name = _profile_name(Path(target))
                dom = running.get(name) if name else None
                rows.append({"link": str(link), "profile": target, "name": name or link.name,
                             "exists": os.path.isfile(target), "state": dom.state.value if dom else None})
        for dom in self.daemon.all():  # managed domains: the flag in their record, no link
            if dom.managed and dom.autostart:
                rows.append({"link": None, "profile": dom.profile_path, "name": dom.name, "exists": True,
                             "state": dom.state.value, "managed": True})
        return rows

    def enable(self, ref: str) -> dict[str, Any]:
        """Link a domain's profile (a running domain, or a profile name/path) into the auto dir."""
        settings = load_settings(self.daemon)
        profile: Path | None = None
        try:
            dom = self.daemon.lookup(ref)
        except NotFoundError:
            profile = find_profile(ref, search_dirs=[self.daemon.paths.profile_dir])
        else:
            if dom.managed:  # its definition is its record: the flag goes there
                return _set_managed_autostart(self.daemon, dom, True)
            if not dom.profile_path:
                raise NotFoundError(f"domain '{dom.name}' was not created from a profile file; name the profile")
            profile = Path(dom.profile_path)
        profile = profile.resolve()
        settings.auto_dir.mkdir(parents=True, exist_ok=True)
        link = settings.auto_dir / profile.name
        if link.is_symlink() or link.exists():
            if os.path.realpath(link) == str(profile):
                return {"link": str(link), "profile": str(profile), "result": "already enabled"}
            raise HvmctlError(f"{link} already exists and points elsewhere ({os.path.realpath(link)})")
        tmp = link.with_name(f".{link.name}.tmp")
        if tmp.is_symlink():
            tmp.unlink()
        tmp.symlink_to(profile)
        os.replace(tmp, link)
        return {"link": str(link), "profile": str(profile), "result": "enabled"}

    def disable(self, ref: str) -> dict[str, Any]:
        for dom in self.daemon.domains.values():
            if dom.managed and dom.autostart and ref in (dom.name, dom.uuid):
                return _set_managed_autostart(self.daemon, dom, False)
        for row in self.auto_links():
            if row.get("managed"):
                continue
            if ref in (row["name"], Path(row["link"]).name, row["profile"], os.path.realpath(ref)):
                Path(row["link"]).unlink()
                return {"link": row["link"], "profile": row["profile"], "result": "disabled"}
        raise NotFoundError(f"'{ref}' is not enabled for autostart")

    # ---- host start ----------------------------------------------------------------------
    async def start(self, *, boot: bool = False) -> dict[str, Any]:
        """Restore saved guests, then create auto guests not running yet.

        ``boot``: the daemon's own call at start-up; skipped when this boot already did it."""
        async with self.lock:
            if boot and self.marker.exists():
                return {"restored": [], "started": [], "skipped": [], "errors": [], "result": "already done"}
            settings = load_settings(self.daemon)
            report: dict[str, Any] = {"restored": [], "started": [], "skipped": [], "errors": []}
            if settings.restore and settings.save_dir is not None and settings.save_dir.is_dir():
                await self._restore_all(settings.save_dir, report)
            await self._start_auto(settings, report)
            await self._start_managed(report)
            self.marker.parent.mkdir(parents=True, exist_ok=True)
            self.marker.write_text(f"{time.time()}\n")
            return report

    async def _restore_all(self, save_dir: Path, report: dict[str, Any]) -> None:
        for path in sorted(save_dir.iterdir()):
            if path.name.startswith(".") or not path.is_file():
                continue
            try:
                header = await asyncio.to_thread(savefile.read_header, path)
                name = header.record["config"]["name"]
                held = next((d for d in self.daemon.domains.values() if d.name == name), None)
                # a managed domain saved at host stop went back to its inactive definition:
                # the save is its next incarnation, not a rival
                definition = held if held is not None and held.managed and held.state is DomainState.INACTIVE \
                    and held.uuid == header.record["config"].get("uuid") else None
                if held is not None and definition is None:
                    report["skipped"].append({"name": name, "why": "already running", "file": str(path)})
                    continue
                if definition is not None:
                    del self.daemon.domains[definition.uuid]  # memory only: its record stays until replaced
                try:
                    dom = await saverestore.restore_domain(self.daemon, path, managed=definition)
                except BaseException:
                    if definition is not None and definition.uuid not in self.daemon.domains:
                        self.daemon.domains[definition.uuid] = definition
                    raise
            except HvmctlError as exc:
                log.error("host start: cannot restore %s: %s", path, exc)
                report["errors"].append({"file": str(path), "error": exc.message})
                continue
            path.unlink()  # restored: the file must not bring the guest back a second time
            report["restored"].append({"name": dom.name, "id": dom.domid, "file": str(path)})

    async def _start_auto(self, settings: Settings, report: dict[str, Any]) -> None:
        if not settings.auto_dir.is_dir():
            return
        for link in sorted(settings.auto_dir.iterdir()):
            if link.name.startswith("."):
                continue
            try:
                text = Path(link).read_text()
                from hvmctl.config import parse_profile

                name = parse_profile(text, filename=str(link), default_name=link.name).config.name
                if any(d.name == name for d in self.daemon.domains.values()):
                    report["skipped"].append({"name": name, "why": "already running", "profile": str(link)})
                    continue
                result = await self.daemon.create(text, filename=os.path.realpath(link), overrides=[])
            except (HvmctlError, OSError) as exc:
                message = exc.message if isinstance(exc, HvmctlError) else str(exc)
                log.error("host start: cannot start %s: %s", link, message)
                report["errors"].append({"profile": str(link), "error": message})
                continue
            report["started"].append({"name": result["domain"]["name"], "id": result["domain"]["id"]})

    async def _start_managed(self, report: dict[str, Any]) -> None:
        """Managed domains marked auto that are not running: started (a suspended one resumed)."""
        from hvmctl.daemon import managed

        for dom in self.daemon.all():
            if not (dom.managed and dom.autostart and dom.state in (DomainState.INACTIVE, DomainState.SUSPENDED)):
                continue
            try:
                started = await managed.start(self.daemon, dom)
            except HvmctlError as exc:
                log.error("host start: cannot start managed domain %s: %s", dom.name, exc.message)
                report["errors"].append({"name": dom.name, "error": exc.message})
                continue
            report["started"].append({"name": started.name, "id": started.domid})

    # ---- host stop -----------------------------------------------------------------------
    async def stop(self) -> dict[str, Any]:
        """Save (or shut down, then force) every running guest; the next start brings the
        saved ones back."""
        async with self.lock:
            settings = load_settings(self.daemon)
            auto = {row["name"] for row in self.auto_links()} if settings.auto_only else None
            doms = [d for d in self.daemon.all() if d.state in (DomainState.RUNNING, DomainState.PAUSED)
                    and (auto is None or d.name in auto)]
            report: dict[str, Any] = {"saved": [], "shutdown": [], "forced": [], "errors": []}
            to_shut: list[Domain] = []
            if settings.save_dir is not None:
                settings.save_dir.mkdir(parents=True, exist_ok=True)
                for dom in doms:  # one at a time: saves are bound by the disk
                    try:
                        res = await saverestore.save_domain(dom, settings.save_dir / dom.name)
                        await saverestore.teardown_pending(dom.uuid)  # the host stops: QEMU must be gone
                        report["saved"].append({"name": dom.name, "file": res["file"], "seconds": res["seconds"]})
                    except HvmctlError as exc:
                        log.error("host stop: saving %s failed (%s); shutting it down", dom.name, exc)
                        report["errors"].append({"name": dom.name, "error": exc.message})
                        to_shut.append(dom)
            else:
                to_shut = doms
            results = await asyncio.gather(*(self._shut(d, settings.stop_maxwait) for d in to_shut))
            for dom, outcome in zip(to_shut, results):
                report["forced" if outcome == "forced" else "shutdown"].append({"name": dom.name})
            try:
                self.marker.unlink()
            except FileNotFoundError:
                pass
            return report

    @staticmethod
    async def _shut(dom: "Domain", maxwait: float) -> str:
        try:
            result = await dom.shutdown(wait=True, timeout=maxwait, force=True)
        except HvmctlError as exc:  # no ACPI handling at all, or already going: make sure
            log.warning("host stop: %s: %s; destroying it", dom.name, exc)
            try:
                await dom.destroy()
            except HvmctlError:
                pass
            return "forced"
        return "forced" if result.startswith("forced") else "shutdown"


def _set_managed_autostart(daemon: "Daemon", dom: "Domain", enable: bool) -> dict[str, Any]:
    """``autostart enable|disable`` of a managed domain: a flag in its record."""
    before = dom.autostart
    dom.autostart = enable
    try:
        daemon.persist(dom)
    except BaseException:
        dom.autostart = before
        raise
    return {"name": dom.name, "managed": True, "link": None, "profile": dom.profile_path,
            "result": "enabled" if enable else "disabled"}


def _profile_name(path: Path) -> str | None:
    """The domain name a profile gives (its ``name``, else the file name)."""
    from hvmctl.config import parse_profile

    try:
        return parse_profile(path.read_text(), filename=str(path), default_name=path.name).config.name
    except (HvmctlError, OSError, UnicodeDecodeError):
        return None


_LIFECYCLES: "weakref.WeakKeyDictionary[Daemon, HostLifecycle]" = weakref.WeakKeyDictionary()


def lifecycle(daemon: "Daemon") -> HostLifecycle:
    if daemon not in _LIFECYCLES:
        _LIFECYCLES[daemon] = HostLifecycle(daemon)
    return _LIFECYCLES[daemon]


async def on_daemon_start(daemon: "Daemon") -> None:
    """Kick off host start in the background (the API serves meanwhile; an explicit
    ``host-start`` waits for it and then finds nothing left to do)."""
    life = lifecycle(daemon)

    async def run() -> dict[str, Any]:
        try:
            report = await life.start(boot=True)
        except Exception:
            log.exception("host start failed")
            raise
        if report.get("restored") or report.get("started") or report.get("errors"):
            log.info("host start: %s", report)
        return report

    life.task = asyncio.create_task(run(), name="host-start")
