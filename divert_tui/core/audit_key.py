"""The audit key: a secret kept owner-only in the config folder that signs the head of the
audit chain, so that someone who can change the database but not read this file cannot cut
the end off the trail, empty it or rewrite it unnoticed.

One key per computer (per config folder); its id, a hash of the secret, names the anchor
row it signs. The key never enters the database, the log or a message.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from divert_tui.core.outfiles import PRIVATE_FILE_MODE, ensure_private_dir

KEY_BYTES = 32


class AuditKeyError(RuntimeError):
    """The key file cannot be read or made; the message names the file and the fix."""


@dataclass(frozen=True)
class AuditKey:
    secret: bytes = field(repr=False)
    path: Path

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"divert audit key id\x00" + self.secret).hexdigest()[:16]

    def sign(self, last_id: int, last_hash: str) -> str:
        message = f"divert-audit-anchor:{self.key_id}:{last_id}:{last_hash}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def signed(self, last_id: int, last_hash: str, mac: str) -> bool:
        return hmac.compare_digest(self.sign(last_id, last_hash), mac)


def load_or_create_key(path: Path) -> AuditKey:
    """The key in ``path``, made (owner-only, folder 0700) the first time it is needed."""
    try:
        ensure_private_dir(path.parent)
        if not path.exists():
            _create(path)
        with suppress(OSError):
            if stat.S_IMODE(path.stat().st_mode) != PRIVATE_FILE_MODE:
                os.chmod(path, PRIVATE_FILE_MODE)
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not a key file"
        raise AuditKeyError(f"the audit key {path} cannot be used ({reason})") from None
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) != KEY_BYTES:
        raise AuditKeyError(
            f"the audit key {path} is damaged (it should hold {KEY_BYTES * 2} hex digits); "
            "restore it from a backup of the config folder"
        )
    return AuditKey(secret, path)


def _create(path: Path) -> None:
    """Write the new key beside its place, then link it in: another process starting at the
    same moment never reads a half-written key, and whichever links first wins."""
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(KEY_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with suppress(FileExistsError):
            os.link(draft, path)
    finally:
        with suppress(OSError):
            draft.unlink()
