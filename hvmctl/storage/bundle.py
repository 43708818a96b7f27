"""Move a guest to another host: ``export`` packs its profile and every writable image into one
bundle, ``import`` unpacks it elsewhere (seed 2.3.2, done there with ``tar -cvzSf``).

A bundle is a tar archive (optionally zstd- or gzip-compressed), flat like the seed's
tarball: the images as GNU sparse members (holes stay holes; time and size follow the data,
not the apparent size), the profile as it was written, and ``hvmctl-bundle.json`` last with
sizes and SHA-256 checksums. Plain ``tar -xSf bundle.tar`` unpacks it too.

Checksums cover what is stored: for an image, the SHA-256 of its data extents, each
preceded by its offset and length (16 bytes, little-endian) -- hashing the holes of a
20 GiB image would cost more than the whole copy.

Import writes every file under a temporary name and links it into place only once the
whole bundle has been read and verified; an existing file is never replaced. A corrupt or
truncated bundle leaves nothing behind.

Speed (issue 5: <= 0.5x GNU tar's time each way): the bytes move through a few recycled
4 MiB buffers; (de)compression runs on the calling thread, SHA-256 and writing each on their
own thread (all three release the GIL), so a bundle moves at the speed of the slowest stage.
Written data is handed to the kernel's writeback as it goes, so the final fsync has little
left to wait for. This module is imported by the CLI: only cheap stdlib modules at the top.
"""

from __future__ import annotations

import json
import os
import re
import struct
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from _queue import Empty, SimpleQueue  # queue without heapq: the CLI's start-up
from threading import Event, Thread
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from hvmctl.errors import ConfigError, ConflictError, HostError, HvmctlError, NotFoundError
from hvmctl.storage import tarstream as ts
from hvmctl.storage.sparse import data_extents

if TYPE_CHECKING:
    import hashlib

    from hvmctl.config.model import DomainConfig


def _sha256(data: bytes = b"") -> "hashlib._Hash":
    """hashlib here, not at import: it loads libcrypto (3.6 MiB of the daemon's RSS)."""
    import hashlib

    return hashlib.sha256(data)


MANIFEST = "hvmctl-bundle.json"
BUNDLE_FORMAT = "hvmctl-bundle"
BUNDLE_VERSION = 1
CHUNK = 4 << 20  # one buffer: few hand-offs between threads (each a wake-up on a busy host)
BUFFERS = 6  # buffers in flight: enough to keep every stage busy, 24 MiB of memory
WRITEBACK = 8 << 20  # start the kernel's writeback of the bundle every this many bytes
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_LEVEL = 1  # ~40% less CPU than level 3 for a bundle ~2% larger (still well under the data)

Progress = Callable[[int, int], None]  # (done, total) in bytes


def compression_for(path: str) -> str:
    """The compression a bundle's name asks for: .tar, .tar.zst/.tzst, .tar.gz/.tgz."""
    name = path.lower()
    if name.endswith((".tar.zst", ".tzst", ".tar.zstd")):
        return "zstd"
    if name.endswith((".tar.gz", ".tgz")):
        return "gzip"
    if name.endswith(".tar"):
        return "none"
    raise ConfigError(f"{path}: name the bundle .tar, .tar.zst or .tar.gz (that picks the compression)")


# ---------------------------------------------------------------------------------------------
# what goes in


class ExportImage(NamedTuple):
    """One image to pack: ``path`` as the profile names it, ``source`` the file to read."""

    path: str
    vdev: str
    source: str
    format: str | None = None
    kind: str = "image"  # "nvram": an OVMF guest's UEFI variables (no disk names it)


def export_plan(cfg: DomainConfig) -> tuple[list[ExportImage], list[str]]:
    """The images worth moving: every writable image file. Read-only media (install CDs) and
    host block devices (``phy:``) stay behind; notes say so."""
    images: list[ExportImage] = []
    notes: list[str] = []
    seen: set[str] = set()
    for disk in cfg.disks:
        if disk.empty:
            continue
        if disk.backend == "phy":
            notes.append(f"{disk.vdev}: host device {disk.target} is not packed; the new host needs its own")
            continue
        if disk.readonly or disk.devtype == "cdrom":
            notes.append(f"{disk.vdev}: read-only {disk.target} is not packed")
            continue
        real = os.path.realpath(disk.target)
        if real in seen:
            continue
        seen.add(real)
        if not os.path.isfile(disk.target):
            raise NotFoundError(f"{disk.vdev}: {disk.target}: no such image file")
        images.append(ExportImage(disk.target, disk.vdev, disk.target, disk.format))
    return images, notes


def member_names(profile_name: str, images: list[ExportImage]) -> list[str]:
    """Flat, unique member names: each image's basename (disk.img, disk-2.img on a clash)."""
    taken = {profile_name, MANIFEST}
    names = []
    for image in images:
        base = os.path.basename(image.path) or "disk.img"
        stem, dot, ext = base.partition(".")
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}{dot}{ext}"
        taken.add(name)
        names.append(name)
    return names


# ---------------------------------------------------------------------------------------------
# overlapping the work


def _start_writeback(fd: int, offset: int, length: int) -> None:
    """Have the kernel start writing ``length`` bytes at ``offset`` to disk now, not wait for it.

    Why: otherwise the final fsync waits for all of it at once (~0.05-0.1 s for 100 MiB, a
    fifth of an import); this way writeback overlaps the rest of the work. POSIX_FADV_DONTNEED
    queues dirty pages for writeback and does not drop them, so they stay cached. A hint:
    where it is refused nothing changes (the fsync still makes the data durable)."""
    try:
        os.posix_fadvise(fd, offset, length, os.POSIX_FADV_DONTNEED)
    except OSError:
        pass


def _all_zero(data: memoryview) -> bool:
    head = data[:64].tobytes()
    return head == bytes(len(head)) and data.tobytes() == bytes(len(data))


class _Job:
    """One piece of work for the pipeline: hash ``data`` into ``digest``; write it to ``fd`` at
    ``offset`` (skipped if ``holes`` and all zeros); then give ``release`` back to the buffer
    pool and set ``done``. Any field may be empty."""

    __slots__ = ("digest", "data", "fd", "offset", "holes", "release", "done")

    def __init__(self, digest: Any = None, data: bytes | memoryview | None = None, fd: int = -1, offset: int = 0,
                 holes: bool = False, release: bytearray | None = None, done: Event | None = None) -> None:
        self.digest = digest
        self.data = data
        self.fd = fd
        self.offset = offset
        self.holes = holes
        self.release = release
        self.done = done


class _Pipeline:
    """SHA-256 and then writing, each on its own thread, behind the caller's (de)compression.

    Why: zstd, SHA-256 and the copy into the page cache each cost about the same per byte and
    all release the GIL; chained on their own threads they overlap on 2 cores, so a bundle
    moves at the speed of the slowest stage, not of their sum. The data stays in a few
    recycled 4 MiB buffers (no copies, no page faults of fresh allocations, few wake-ups);
    a buffer goes back to the pool only after the last stage is done with it."""

    def __init__(self, *, write: bool) -> None:
        self.size = CHUNK
        self._free: SimpleQueue[bytearray] = SimpleQueue()
        self._made = 0
        self._max = BUFFERS
        self._error: BaseException | None = None
        self._cancelled = False
        steps: list[Callable[[_Job], None]] = [self._hash]
        if write:
            steps.append(self._write)
        self._queues: list[SimpleQueue[_Job | None]] = [SimpleQueue() for _ in steps]
        self._threads = [Thread(target=self._run, args=(i, step), name=f"hvmctl-bundle-{step.__name__[1:]}",
                                daemon=True) for i, step in enumerate(steps)]
        for thread in self._threads:
            thread.start()

    def buffer(self) -> bytearray:
        """A free buffer; waits while all of them are in flight."""
        if self._made < self._max and self._free.empty():
            self._made += 1
            return bytearray(self.size)
        while True:
            self.check()
            try:
                return self._free.get(timeout=1.0)
            except Empty:
                pass

    def put(self, job: _Job) -> None:
        self._queues[0].put(job)

    def drain(self) -> None:
        """Wait until every job so far is done; raise the first error a stage met."""
        done = Event()
        self.put(_Job(done=done))
        while not done.wait(1.0):
            self.check()
        self.check()

    def check(self) -> None:
        if self._error is not None:
            raise self._error
        if not all(t.is_alive() for t in self._threads):
            raise HostError("bundle worker thread died")

    def close(self) -> None:
        """Stop the threads; jobs still queued (after an error) are dropped, not done."""
        self._cancelled = True
        self.put(None)  # type: ignore[arg-type]
        for thread in self._threads:
            thread.join(30)

    def _run(self, index: int, step: Callable[[_Job], None]) -> None:
        inbox = self._queues[index]
        outbox = self._queues[index + 1] if index + 1 < len(self._queues) else None
        while True:
            job = inbox.get()
            if job is not None and self._error is None and not self._cancelled:
                try:
                    step(job)
                except BaseException as exc:  # handed to the caller by check()
                    self._error = exc
            if outbox is not None:
                outbox.put(job)
            elif job is not None:
                if job.release is not None:
                    self._free.put(job.release)
                if job.done is not None:
                    job.done.set()
            if job is None:
                return

    @staticmethod
    def _hash(job: _Job) -> None:
        if job.digest is not None and job.data is not None:
            job.digest.update(job.data)

    @staticmethod
    def _write(job: _Job) -> None:
        if job.fd < 0 or not job.data:
            return
        view = memoryview(job.data)
        if job.holes and _all_zero(view):  # plain members: zero runs become holes
            return
        offset = job.offset
        try:
            while view:
                n = os.pwrite(job.fd, view, offset)
                view = view[n:]
                offset += n
        except OSError as exc:
            raise HostError(f"cannot write the imported file: {exc.strerror}", cause=exc) from exc
        _start_writeback(job.fd, job.offset, len(job.data))


def _create_temp(directory: Path, prefix: str, suffix: str) -> tuple[int, str]:
    """A new file only we opened (O_EXCL, mode 0600): tempfile.mkstemp, without importing
    tempfile (and random, shutil...) on the CLI's path."""
    for _ in range(100):
        path = str(directory / f"{prefix}{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600), path
        except FileExistsError:
            continue
    raise HostError(f"{directory}: cannot create a temporary file")


# ---------------------------------------------------------------------------------------------
# writing


class _Sink:
    """Where the tar stream goes: a file, through zstd or gzip; counts what it is given and
    starts the writeback of what reached the file every WRITEBACK bytes."""

    def __init__(self, fh: IO[bytes], compression: str) -> None:
        self.written = 0
        self._fh = fh
        self._fd = fh.fileno()
        self._stream: Any = fh
        self._since = 0
        self._kicked = 0
        if compression == "zstd":
            import zstandard

            cctx = zstandard.ZstdCompressor(level=ZSTD_LEVEL, threads=max(1, min(4, os.cpu_count() or 1)),
                                            write_checksum=True)
            self._stream = cctx.stream_writer(fh, closefd=False)
        elif compression == "gzip":
            import gzip

            self._stream = gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=1, mtime=0)

    def write(self, data: bytes | memoryview) -> None:
        self._stream.write(data)
        self.written += len(data)
        self._since += len(data)
        if self._since >= WRITEBACK:
            self._since = 0
            pos = os.lseek(self._fd, 0, os.SEEK_CUR)  # what the buffered file has handed over
            if pos > self._kicked:
                _start_writeback(self._fd, self._kicked, pos - self._kicked)
                self._kicked = pos

    def close(self) -> None:
        if self._stream is not self._fh:
            self._stream.close()


def _extent_header(offset: int, length: int) -> bytes:
    return struct.pack("<QQ", offset, length)


def write_bundle(
    out: str,
    *,
    profile_name: str,
    profile_text: str,
    images: list[ExportImage],
    force: bool = False,
    progress: Progress | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Pack ``images`` and the profile into ``out``; written under a temporary name and renamed
    into place only when complete."""
    compression = compression_for(out)
    target = Path(out)
    if target.exists() and not force:
        raise ConflictError(f"{out}: already exists; use --force to replace it")
    if not target.parent.is_dir():
        raise NotFoundError(f"{target.parent}: no such directory")
    names = member_names(profile_name, images)
    started = time.monotonic()
    with ExitStack() as stack:
        fds = []
        plans = []
        for image in images:
            try:
                fd = os.open(image.source, os.O_RDONLY | os.O_CLOEXEC)
            except OSError as exc:
                raise HostError(f"{image.source}: cannot read: {exc.strerror}", cause=exc) from exc
            stack.callback(os.close, fd)
            fds.append(fd)
            size = os.fstat(fd).st_size
            plans.append((size, data_extents(fd, size)))
        total = sum(n for _, extents in plans for _, n in extents)
        pipe = _Pipeline(write=False)
        stack.callback(pipe.close)
        fd_out, tmp = _create_temp(target.parent, f".{target.name}.", ".part")
        fh = os.fdopen(fd_out, "wb", buffering=1 << 20)
        try:
            files = []
            sink = _Sink(fh, compression)
            done = 0
            for image, name, fd, (size, extents) in zip(images, names, fds, plans):
                digest = _sha256()
                head, _ = ts.sparse_headers(name, extents, size)
                sink.write(head)
                stored = len(head)
                for offset, length in extents:
                    pipe.put(_Job(digest=digest, data=_extent_header(offset, length)))
                    pos = 0
                    while pos < length:
                        buf = pipe.buffer()
                        n = os.preadv(fd, [memoryview(buf)[: min(pipe.size, length - pos)]], offset + pos)
                        if not n:
                            pipe.put(_Job(release=buf))
                            raise HostError(f"{image.source}: file shrank while being exported")
                        data = memoryview(buf)[:n]
                        # the hash thread gives the buffer back; only this thread takes buffers,
                        # and it is done writing this one before it asks for another
                        pipe.put(_Job(digest=digest, data=data, release=buf))
                        sink.write(data)
                        pos += n
                        done += n
                        if progress:
                            progress(done, total)
                    stored += length
                sink.write(ts.pad(stored))
                pipe.drain()
                files.append({"name": name, "kind": image.kind, "path": image.path, "vdev": image.vdev,
                              "format": image.format, "size": size, "data": sum(n for _, n in extents),
                              "extents": len(extents), "sha256": digest.hexdigest()})
            profile_bytes = profile_text.encode()
            sink.write(ts.regular_member(profile_name, profile_bytes))
            files.append({"name": profile_name, "kind": "profile", "size": len(profile_bytes),
                          "sha256": _sha256(profile_bytes).hexdigest()})
            manifest = {"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "profile": profile_name,
                        "created": time.time(), "host": os.uname().nodename,
                        "checksum": "sha256 of each (offset, length, data) extent", "files": files,
                        **(extra or {})}
            sink.write(ts.regular_member(MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode()))
            sink.write(ts.end_of_archive(sink.written))
            sink.close()
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
            os.replace(tmp, target)
        except BaseException:
            fh.close()
            _unlink(tmp)
            raise
    return {"bundle": str(target), "compression": compression, "files": files, "data": total,
            "bundle_bytes": target.stat().st_size, "seconds": round(time.monotonic() - started, 3)}


# ---------------------------------------------------------------------------------------------
# reading


class _Source:
    """The archive's bytes, decompressed straight into the pipeline's buffers: headers come
    out as bytes, member data as views of the buffers (no copies)."""

    def __init__(self, raw: IO[bytes], compression: str, pipe: _Pipeline) -> None:
        self._raw = raw
        self._pipe = pipe
        self.compression = compression
        self._stream: Any = raw
        self._errors: tuple[type[BaseException], ...] = (EOFError,)
        if compression == "zstd":
            import zstandard

            self._stream = zstandard.ZstdDecompressor().stream_reader(raw, read_size=1 << 20,
                                                                      read_across_frames=True)
            self._errors += (zstandard.ZstdError,)
        elif compression == "gzip":
            import gzip
            import zlib

            self._stream = gzip.GzipFile(fileobj=raw, mode="rb")
            self._errors += (zlib.error, gzip.BadGzipFile)
        self._buf: bytearray | None = None
        self._view = memoryview(b"")
        self._pos = 0

    def _refill(self) -> None:
        """Give the spent buffer back (once every job using it is done) and fill the next."""
        if self._buf is not None:
            self._pipe.put(_Job(release=self._buf))
            self._buf = None
        buf = self._pipe.buffer()
        try:
            n = self._stream.readinto(buf)
        except self._errors as exc:
            raise ts.BundleError(f"corrupt or truncated bundle ({self.compression}: {exc})") from exc
        if not n:
            raise ts.BundleError("truncated bundle: it ends in the middle of a file")
        self._buf = buf
        self._view = memoryview(buf)[:n]
        self._pos = 0

    def view(self, n: int) -> memoryview:
        """The next 1 to ``n`` bytes, as a view of a buffer: valid until that buffer is given
        back, which happens only through the pipeline, after the jobs queued before."""
        if self._pos >= len(self._view):
            self._refill()
        data = self._view[self._pos : self._pos + n]
        self._pos += len(data)
        return data

    def read(self, n: int) -> bytes:
        """Exactly ``n`` bytes (for headers and maps: small)."""
        if self._pos + n <= len(self._view):
            data = self._view[self._pos : self._pos + n].tobytes()
            self._pos += n
            return data
        parts = []
        while n:
            part = self.view(n)
            parts.append(part.tobytes())
            n -= len(part)
        return b"".join(parts)

    def skip(self, n: int) -> None:
        while n:
            n -= len(self.view(n))

    @property
    def position(self) -> int:
        return self._raw.tell()


def _preload(module: str) -> None:
    import importlib

    try:
        importlib.import_module(module)
    except Exception:  # the import where the module is needed reports it
        pass


def _safe_name(name: str) -> str | None:
    """A flat member name, or None for the archive's own directory; anything else is refused."""
    while name.startswith("./"):
        name = name[2:]
    name = name.rstrip("/")
    if name in ("", "."):
        return None
    if "/" in name or name == ".." or "\0" in name or name.startswith("."):
        raise ts.BundleError(f"bundle member {name!r} is not a plain file name; refusing it")
    return name


class _Unpacked:
    """A member written under its temporary name, with the checksum of what was written."""

    __slots__ = ("name", "tmp", "size", "sha256", "kind")

    def __init__(self, name: str, tmp: str, size: int) -> None:
        self.name = name
        self.tmp = tmp
        self.size = size
        self.sha256 = ""
        self.kind = "file"


def read_bundle(bundle: str, dest: str, *, progress: Progress | None = None) -> dict[str, Any]:
    """Unpack ``bundle`` into ``dest`` (created if missing), verify it, rewrite the profile's
    image paths to where the images now are. Nothing is left behind on failure."""
    started = time.monotonic()
    # Checking the rewritten profile at the end needs hvmctl.config (~25 ms of imports, a tenth
    # of an import's CPU): load it now on a thread, while the unpacking mostly runs without the GIL.
    Thread(target=_preload, args=("hvmctl.config",), name="hvmctl-preload", daemon=True).start()
    try:
        raw = open(bundle, "rb")
    except FileNotFoundError:
        raise NotFoundError(f"{bundle}: no such bundle") from None
    except OSError as exc:
        raise HostError(f"{bundle}: {exc.strerror}", cause=exc) from exc
    destdir = Path(dest)
    created_dir = not destdir.exists()
    destdir.mkdir(parents=True, exist_ok=True)
    unpacked: list[_Unpacked] = []
    linked: list[Path] = []
    try:
        with raw:
            total = os.fstat(raw.fileno()).st_size
            magic = raw.read(4)
            raw.seek(0)
            compression = "zstd" if magic == ZSTD_MAGIC else "gzip" if magic[:2] == GZIP_MAGIC else "none"
            pipe = _Pipeline(write=True)
            try:
                src = _Source(raw, compression, pipe)
                files = _unpack_members(src, pipe, destdir, unpacked,
                                        lambda: progress(raw.tell(), total) if progress else None)
            finally:
                pipe.close()
        manifest = _verify(files)
        profile_name = manifest.get("profile") if manifest else None
        mapping = {}
        for entry in (manifest or {}).get("files", []):
            if entry.get("kind") == "image" and entry.get("path"):
                mapping[entry["path"]] = str((destdir / entry["name"]).resolve())
        notes: list[str] = []
        if manifest is None:
            notes.append("no hvmctl manifest: a plain tarball; nothing to verify checksums against")
        if profile_name:
            prof = files[profile_name]
            text = Path(prof.tmp).read_text(encoding="utf-8", errors="surrogateescape")
            new_text = rewrite_disk_paths(text, mapping, filename=profile_name)
            _write_over(prof.tmp, new_text)
        for item in files.values():
            if item.name == MANIFEST:
                continue
            final = destdir / item.name
            try:
                os.link(item.tmp, final)  # never replaces: fails if the name exists
            except FileExistsError:
                raise ConflictError(f"{final}: already exists; refusing to overwrite it") from None
            linked.append(final)
        for item in files.values():
            _unlink(item.tmp)
    except BaseException:
        for item in unpacked:
            _unlink(item.tmp)
        for path in linked:
            _unlink(str(path))
        if created_dir:
            try:
                destdir.rmdir()
            except OSError:
                pass
        raise
    result_files = [{"name": f.name, "path": str(destdir / f.name), "size": f.size, "kind": f.kind}
                    for f in files.values() if f.name != MANIFEST]
    return {"dest": str(destdir), "profile": str(destdir / profile_name) if profile_name else None,
            "domain": (manifest or {}).get("domain"),
            "files": result_files, "verified": manifest is not None, "notes": notes,
            "seconds": round(time.monotonic() - started, 3), "compression": compression}


def _unpack_members(src: _Source, pipe: _Pipeline, destdir: Path, unpacked: list[_Unpacked],
                    tick: Callable[[], None]) -> dict[str, _Unpacked]:
    files: dict[str, _Unpacked] = {}
    while True:
        member = ts.read_member(src.read)
        if member is None:
            break
        if member.typeflag == b"5":
            if _safe_name(member.name) is not None:
                raise ts.BundleError(f"bundle holds a directory {member.name!r}; a bundle is flat")
            continue
        if member.typeflag not in (b"0", b"\0", b"7"):
            raise ts.BundleError(f"bundle member {member.name!r} is a link or device; refusing it")
        name = _safe_name(member.name)
        if name is None or name in files:
            raise ts.BundleError(f"bundle holds {member.name!r} twice or without a name")
        if (destdir / name).exists() or (destdir / name).is_symlink():
            raise ConflictError(f"{destdir / name}: already exists; refusing to overwrite it")
        fd, tmp = _create_temp(destdir, f".{name}.", ".import")
        item = _Unpacked(name, tmp, member.realsize)
        unpacked.append(item)
        try:
            os.fchmod(fd, (member.mode & 0o777) or 0o600)
            item.sha256 = _write_member(src, pipe, fd, member, tick)
            os.fsync(fd)
        finally:
            os.close(fd)
        files[name] = item
        tick()
    return files


def _write_member(src: _Source, pipe: _Pipeline, fd: int, member: ts.Member, tick: Callable[[], None]) -> str:
    """Write one member's data where it belongs in the file (holes stay holes); its checksum,
    over exactly the bytes written (the pipeline hashes each buffer before writing it)."""
    digest = _sha256()
    remaining = member.size
    if member.sparse_v1:
        extents, used = ts.read_sparse_map(src.read)
        remaining -= used
    elif member.sparse is not None:
        extents = member.sparse
    else:
        extents = [(0, member.size)] if member.size else []
    sparse = member.sparse_v1 or member.sparse is not None
    for offset, length in extents:
        if length > remaining:
            raise ts.BundleError(f"corrupt bundle: {member.name}: sparse map exceeds the data")
        if sparse:
            pipe.put(_Job(digest=digest, data=_extent_header(offset, length)))
        pos = 0
        while pos < length:
            data = src.view(length - pos)
            pipe.put(_Job(digest=digest, data=data, fd=fd, offset=offset + pos, holes=not sparse))
            pos += len(data)
            tick()
        remaining -= length
    if remaining < 0:
        raise ts.BundleError(f"corrupt bundle: {member.name}: sizes do not add up")
    src.skip(remaining)
    src.skip(-member.size % ts.BLOCK)
    pipe.drain()
    os.ftruncate(fd, member.realsize)
    return digest.hexdigest()  # plain members (profile, manifest): the SHA-256 of their bytes


def _verify(files: dict[str, _Unpacked]) -> dict[str, Any] | None:
    """Compare what was unpacked with the manifest; None for a plain tarball without one."""
    item = files.get(MANIFEST)
    if item is None:
        return None
    try:
        manifest = json.loads(Path(item.tmp).read_text())
        if manifest.get("format") != BUNDLE_FORMAT:
            raise ValueError("not an hvmctl bundle manifest")
        entries = {e["name"]: e for e in manifest["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise ts.BundleError(f"corrupt bundle: unreadable manifest ({exc})") from exc
    if int(manifest.get("version", 0)) > BUNDLE_VERSION:
        raise ts.BundleError(f"bundle version {manifest['version']} is newer than this hvmctl understands")
    for name, entry in entries.items():
        got = files.get(name)
        if got is None:
            raise ts.BundleError(f"corrupt or truncated bundle: {name} is missing")
        if got.sha256 != entry.get("sha256") or got.size != int(entry.get("size", -1)):
            raise ts.BundleError(f"corrupt bundle: {name}: checksum mismatch")
        got.kind = str(entry.get("kind", "file"))
    for name in files:
        if name != MANIFEST and name not in entries:
            raise ts.BundleError(f"corrupt bundle: {name} is not in the manifest")
    profile = manifest.get("profile")
    if profile is not None and profile not in files:
        raise ts.BundleError("corrupt bundle: the profile is missing")
    return manifest  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# profile


def rewrite_disk_paths(text: str, mapping: dict[str, str], *, filename: str = "<profile>") -> str:
    """The profile with each moved image's path replaced where a disk entry names it.

    A text edit, so comments and layout stay; afterwards the profile is parsed to check that
    every moved disk now points at its new place."""
    from hvmctl.config import parse_profile

    new = text
    for old, path in sorted(mapping.items(), key=lambda kv: -len(kv[0])):
        pattern = re.compile(r"(?<=[:'\"=,\s\[])" + re.escape(old) + r"(?=[,'\"\s\]])")
        new = pattern.sub(lambda _m, p=path: p, new)  # type: ignore[misc]
    if not mapping:
        return new
    try:
        cfg = parse_profile(new, filename=filename).config
    except HvmctlError as exc:
        raise ts.BundleError(f"the bundle's profile does not read back after moving its images: {exc}") from exc
    targets = {d.target for d in cfg.disks}
    missing = [p for p in mapping.values() if p not in targets]
    if missing:
        raise ts.BundleError(f"could not point the profile's disks at {', '.join(missing)}")
    return new


def _write_over(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
