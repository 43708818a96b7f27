"""The self-fence watchdog: a small child process with its own timer.

The daemon feeds it one line each time it renewed its pool lease: ``arm SECONDS
PID:TICKS ...`` -- "if you hear nothing more within SECONDS, SIGKILL these QEMUs" (its HA
guests, named by pid and start time so a reused pid is never hit). SECONDS is counted by
the daemon from the send time of the renewal that succeeded, less a margin, so the kill
comes before etcd can expire the lease and the pool's manager restart the guests
elsewhere. A daemon whose event loop hangs, that is SIGSTOPped or killed stops feeding,
and the watchdog fires anyway: it runs in its own session and depends on nothing of the
daemon's. ``disarm`` stands it down (pool leave; a successor daemon that took over the
lease); end of input keeps the last deadline and exits after it.

Run as ``python -m hvmctl.pool.watchdog`` (stdlib only).
"""

from __future__ import annotations

import os
import select
import signal
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess


def _start_ticks(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            stat = fh.read()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


def _open(targets: list[tuple[int, int]]) -> list[int]:
    """pidfds of the targets that are still the processes named (pid and start time)."""
    fds = []
    for pid, ticks in targets:
        try:
            fd = os.pidfd_open(pid)
        except OSError:
            continue
        if _start_ticks(pid) == ticks:
            fds.append(fd)
        else:
            os.close(fd)
    return fds


def _by_uuid(uuids: set[str], known: set[int]) -> list[int]:
    """pidfds of every process whose argv has ``-uuid U`` for one of ``uuids``: a QEMU the
    daemon spawned after its last feed (claimed, not yet reported) is found all the same."""
    fds = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in known:
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")
        except OSError:
            continue
        if any(a == b"-uuid" and i + 1 < len(argv) and argv[i + 1].decode(errors="replace").lower() in uuids
               for i, a in enumerate(argv)):
            try:
                fds.append(os.pidfd_open(int(entry)))
            except OSError:
                pass
    return fds


def _say(text: str) -> None:
    sys.stderr.write(f"hvmctl-watchdog[{os.getpid()}]: {text}\n")
    sys.stderr.flush()


def main() -> int:
    deadline: float | None = None
    fds: list[int] = []
    uuids: set[str] = set()
    known: set[int] = set()  # pids of the fds: not counted twice when found by uuid too
    stood_down = False

    def disarm(*_: object) -> None:
        nonlocal deadline, stood_down
        deadline, stood_down = None, True

    signal.signal(signal.SIGUSR1, disarm)  # a successor daemon took over the lease
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # only the daemon's word (or SIGKILL) ends it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin = sys.stdin.buffer
    open_input = True
    buf = b""
    while True:
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            fds += _by_uuid(uuids, known) if uuids else []
            for fd in fds:
                try:
                    signal.pidfd_send_signal(fd, signal.SIGKILL)
                except OSError:
                    pass
            if fds:
                _say(f"lease not renewed in time: killed {len(fds)} HA guest(s)")
            for fd in fds:
                os.close(fd)
            fds, deadline, uuids = [], None, set()
            if not open_input:
                return 0
        if not open_input and (deadline is None or stood_down):
            return 0
        wait = None if deadline is None else max(0.0, deadline - now)
        if not open_input:
            time.sleep(min(wait or 0.1, 0.1))
            continue
        try:
            ready, _, _ = select.select([stdin], [], [], wait)
        except InterruptedError:
            continue
        if not ready:
            continue
        chunk = os.read(stdin.fileno(), 65536)
        if not chunk:
            open_input = False
            continue
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            words = line.decode().split()
            if not words:
                continue
            if words[0] == "arm" and len(words) >= 2:
                for fd in fds:
                    os.close(fd)
                targets = [(int(p), int(t)) for p, t in (w.split(":") for w in words[2:] if ":" in w)]
                uuids = {w.removeprefix("uuid=").lower() for w in words[2:] if w.startswith("uuid=")}
                fds = _open(targets)
                known = {pid for pid, _ in targets}
                deadline = time.monotonic() + float(words[1])
                stood_down = False
            elif words[0] == "disarm":
                disarm()
            elif words[0] == "exit":
                return 0


class Feeder:
    """The daemon's end: starts the watchdog and feeds it (a write to a pipe, never a
    wait: a watchdog that died is started again at the next feed)."""

    def __init__(self, log_path: str | None = None) -> None:
        self.log_path = log_path
        self.proc: "subprocess.Popen[bytes] | None" = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def start(self) -> None:
        import subprocess

        if self.proc is not None and self.proc.poll() is None:
            return
        err = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", "hvmctl.pool.watchdog"], stdin=subprocess.PIPE,
                                         stdout=subprocess.DEVNULL, stderr=err, start_new_session=True,
                                         close_fds=True)
        finally:
            if not isinstance(err, int):
                err.close()

    def _send(self, line: str) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.proc = None

    def arm(self, seconds: float, targets: list[tuple[int, int]], uuids: tuple[str, ...] = ()) -> None:
        """Kill ``targets`` (pid, start ticks) and every process started with ``-uuid U``
        for the ``uuids`` unless fed again within ``seconds``."""
        import time as _time

        self._armed = (_time.monotonic() + seconds, list(targets), tuple(uuids))
        words = [f"{p}:{t}" for p, t in targets] + [f"uuid={u}" for u in uuids]
        self._send("arm %.3f %s" % (seconds, " ".join(words)))

    def include(self, uuid: str) -> None:
        """Add a guest about to be spawned to the armed targets, deadline unchanged."""
        import time as _time

        armed = getattr(self, "_armed", None)
        if armed is not None and uuid not in armed[2]:
            self.arm(armed[0] - _time.monotonic(), armed[1], armed[2] + (uuid,))

    def disarm(self) -> None:
        self._send("disarm")

    def detach(self) -> None:
        """The daemon stops: the watchdog keeps its deadline and exits after it."""
        if self.proc is not None and self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        self.proc = None

    def stop(self) -> None:
        """Stand down for good (the member left the pool)."""
        if self.proc is not None and self.proc.poll() is None:
            self._send("exit")
            try:
                self.proc.wait(2)
            except Exception:  # noqa: BLE001
                self.proc.kill()
        self.proc = None


if __name__ == "__main__":
    sys.exit(main())
