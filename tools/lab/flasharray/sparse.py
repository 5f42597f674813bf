"""Sparse-file helpers: the emulator's volumes are plain, usually sparse,
files, so copies and transfers only move the ranges that hold data."""

import errno
import os

CHUNK = 1024 * 1024
_ZERO = bytes(CHUNK)


def is_zero(data):
    if len(data) == CHUNK:
        return data == _ZERO
    return data == bytes(len(data))


def data_extents(fd, size):
    """Yield (offset, length) of the ranges of ``fd`` that may hold data."""
    offset = 0
    while offset < size:
        try:
            start = os.lseek(fd, offset, os.SEEK_DATA)
        except OSError as exc:
            if exc.errno == errno.ENXIO:
                return
            if exc.errno == errno.EINVAL:
                # The file system cannot tell holes apart: read it all.
                yield offset, size - offset
                return
            raise
        if start >= size:
            return
        end = min(os.lseek(fd, start, os.SEEK_HOLE), size)
        yield start, end - start
        offset = end


def chunks(fd, size, chunk_size=CHUNK):
    """Yield (offset, bytes) for every non-zero, grid-aligned chunk.

    Chunks are aligned to multiples of ``chunk_size`` so that two files
    can be compared chunk by chunk.
    """
    last = -1
    for start, length in data_extents(fd, size):
        first = start - start % chunk_size
        for offset in range(first, start + length, chunk_size):
            if offset <= last:
                continue
            last = offset
            data = os.pread(fd, min(chunk_size, size - offset), offset)
            if data and not is_zero(data):
                yield offset, data


def ranges(fd, size, piece=CHUNK):
    """Yield (offset, bytes) covering the data ranges of ``fd``.

    Pieces are at most ``piece`` bytes; pieces of zeros are left out.
    """
    for start, length in data_extents(fd, size):
        for offset in range(start, start + length, piece):
            data = os.pread(fd, min(piece, start + length - offset), offset)
            if data and not is_zero(data):
                yield offset, data


def copy_into(src_path, dst_path, create=False):
    """Make ``dst_path`` a byte-identical, sparse copy of ``src_path``.

    The destination is rewritten in place (its inode is kept), as an
    array overwrites a volume a host may have open.
    """
    flags = os.O_WRONLY | (os.O_CREAT | os.O_EXCL if create else 0)
    with open(src_path, "rb") as src:
        size = os.fstat(src.fileno()).st_size
        dst = os.open(dst_path, flags, 0o644)
        try:
            os.ftruncate(dst, 0)
            os.ftruncate(dst, size)
            for offset, data in ranges(src.fileno(), size):
                os.pwrite(dst, data, offset)
            os.fsync(dst)
        finally:
            os.close(dst)
    return size


def write_at(path, offset, data, size=None):
    """Write ``data`` at ``offset``; zero ranges are punched as holes."""
    fd = os.open(path, os.O_WRONLY)
    try:
        if data:
            if is_zero(data):
                zero_range(fd, offset, len(data))
            else:
                os.pwrite(fd, data, offset)
        if size is not None:
            os.ftruncate(fd, size)
    finally:
        os.close(fd)


def zero_range(fd, offset, length):
    end = os.fstat(fd).st_size
    if offset >= end:
        return
    length = min(length, end - offset)
    # Rewriting with zeros is portable; punching a hole needs fallocate,
    # which the os module does not expose.
    while length > 0:
        n = min(length, CHUNK)
        os.pwrite(fd, _ZERO[:n], offset)
        offset += n
        length -= n
