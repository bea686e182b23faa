"""A real full disk for one command, without root: a small tmpfs in a private user and mount namespace.

``unshare --user --map-root-user --mount`` gives the command a mount namespace of its own, where an empty tmpfs
of a few kilobytes is mounted over each chosen folder; its writes fail with ENOSPC exactly as on a full disk.
The mounts vanish with the namespace, so before it ends the folders' contents are copied back (``cp -a``: names,
bytes and times) into the real folders for the test to inspect.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

SETUP_FAILED = 97


def small_filesystems_available() -> bool:
    """True when this kernel lets an unprivileged user mount a tmpfs in a namespace of its own."""
    if not shutil.which("unshare"):
        return False
    with tempfile.TemporaryDirectory() as folder:
        probe = subprocess.run(
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
             f"mount -t tmpfs -o size=4k tmpfs {shlex.quote(folder)}"],
            capture_output=True,
        )
    return probe.returncode == 0


def run_with_small_filesystems(command: list[str], sizes: dict[Path, int], **run: Any
                               ) -> subprocess.CompletedProcess:
    """Run ``command`` with each folder of ``sizes`` (created empty if missing) replaced by a tmpfs of that many
    bytes; afterwards the folder holds what the command left on it."""
    copies = {}
    mounts, saves = [], []
    for folder, size in sizes.items():
        folder.mkdir(parents=True, exist_ok=True)
        assert not any(folder.iterdir()), f"{folder} must be empty"
        copies[folder] = folder.with_name(folder.name + ".copy")
        copies[folder].mkdir()
        mounts.append(f"mount -t tmpfs -o size={size} tmpfs {shlex.quote(str(folder))} || exit {SETUP_FAILED}")
        saves.append(f"cp -a {shlex.quote(str(folder))}/. {shlex.quote(str(copies[folder]))}/")
    script = "\n".join([*mounts, '"$@"', "code=$?", *saves, "exit $code"])
    proc = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", *command],
                          **run)
    assert proc.returncode != SETUP_FAILED, "could not mount a small filesystem"
    for folder, copy in copies.items():
        folder.rmdir()  # the empty folder the tmpfs was mounted on
        copy.rename(folder)
    return proc
