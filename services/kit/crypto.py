"""Field encryption at rest: AES-GCM ciphertexts plus a keyed hash ("blind index") for lookups.

A sensitive value (an identity number, a phone) is stored twice: as AES-GCM ciphertext with a
random nonce (the same value encrypts differently every time, so the column reveals nothing),
and as HMAC-SHA256 of the value under a second key, which is deterministic and so serves exact
search and uniqueness without the plaintext. The field name is bound as associated data, so a
ciphertext copied into another column does not decrypt. Keys are 32 random bytes, base64 in
configuration; `ensure_key_file` makes a development key once, like the token key pair.

Rotating the data key without downtime: the new key encrypts, earlier keys still decrypt (an
AES-GCM tag fails under the wrong key, so each ciphertext finds its key by trial), and
`reencrypt` moves a ciphertext to the new key; once every row is moved the earlier keys go.
"""

import base64
import hashlib
import hmac
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12


def decode_key(text: str) -> bytes:
    key = base64.b64decode(text.strip(), validate=True)
    if len(key) != KEY_BYTES:
        raise ValueError(f"a field key must be {KEY_BYTES} bytes (base64)")
    return key


def new_key() -> str:
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def ensure_key_file(path: Path) -> str:
    """The base64 key held in `path`, created once (development only; production sets keys)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_key())
        path.chmod(0o600)
    return path.read_text().strip()


class RandomPool:
    """Random bytes from the operating system, drawn a block at a time.

    For bulk work that needs a fresh nonce or id for every row: three system calls a row cost an
    import of 100 000 rows about 5% of its time. Make one per operation and drop it after: bytes
    are handed out once, and a pool is never shared with a forked child.
    """

    def __init__(self, block_bytes: int = 1 << 16) -> None:
        self._block_bytes = block_bytes
        self._block = b""
        self._at = 0

    def take(self, count: int) -> bytes:
        if self._at + count > len(self._block):
            self._block = os.urandom(max(count, self._block_bytes))
            self._at = 0
        taken = self._block[self._at : self._at + count]
        self._at += count
        return taken

    def uuid4(self) -> uuid.UUID:
        return uuid.UUID(bytes=self.take(16), version=4)


class FieldCipher:
    def __init__(self, data_key: bytes, index_key: bytes, previous_data_keys: Sequence[bytes] = ()) -> None:
        if data_key == index_key or index_key in previous_data_keys:
            raise ValueError("the data key and the index key must differ")
        self._aead = AESGCM(data_key)
        self._previous = [AESGCM(key) for key in previous_data_keys if key != data_key]
        self._index_key = index_key
        self._index_prefixes: dict[str, hmac.HMAC] = {}

    @property
    def rotating(self) -> bool:
        """Earlier data keys are configured: some ciphertexts may still need `reencrypt`."""
        return bool(self._previous)

    def encrypt(self, field: str, value: str, random: RandomPool | None = None) -> bytes:
        return self.seal(field, value.encode(), random)

    def decrypt(self, field: str, blob: bytes) -> str:
        return self.unseal(field, blob).decode()

    def seal(self, field: str, data: bytes, random: RandomPool | None = None) -> bytes:
        """`encrypt` for bytes (a stored answer, not one field's text)."""
        nonce = random.take(NONCE_BYTES) if random else os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, data, field.encode())

    def unseal(self, field: str, blob: bytes) -> bytes:
        nonce, sealed, aad = blob[:NONCE_BYTES], blob[NONCE_BYTES:], field.encode()
        for aead in (self._aead, *self._previous):
            try:
                return aead.decrypt(nonce, sealed, aad)
            except InvalidTag:
                continue
        raise InvalidTag()

    def reencrypt(self, field: str, blob: bytes) -> bytes | None:
        """The ciphertext under the current key, or None when it is under the current key already."""
        try:
            self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], field.encode())
        except InvalidTag:
            return self.encrypt(field, self.decrypt(field, blob))
        return None

    def blind_index(self, field: str, value: str) -> str:
        # HMAC(key, field NUL value), continued from the field's prefix: an import hashes two
        # values a row, and the key's own two blocks are hashed once per field, not per value.
        prefix = self._index_prefixes.get(field)
        if prefix is None:
            prefix = self._index_prefixes[field] = hmac.new(self._index_key, field.encode() + b"\x00", hashlib.sha256)
        digest = prefix.copy()
        digest.update(value.encode())
        return digest.hexdigest()
