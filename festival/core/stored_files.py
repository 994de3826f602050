"""Files kept in the database (``STORAGE_BACKEND=database``): one platform row per file.

Every web instance and worker reads the same rows, so no machine needs a shared disk, and the
database backup holds the files too. Go through festival.core.storage, never through here: the
key alone says nothing about its owner, so the row that holds a key (a tenant's logo, a
booking's document) is where access is decided.
"""

from __future__ import annotations

import mimetypes
from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.db import PlatformRow, UTCDateTime, db, utcnow


class StoredFile(PlatformRow, db.Model):
    """The bytes of one stored file, under the key ``storage.save_file`` made for it."""

    __tablename__ = "stored_file"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def add(key: str, data: bytes) -> None:
    """Keep ``data`` under ``key`` in the current transaction (it is written at its flush)."""
    content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
    db.session.add(StoredFile(key=key, data=data, content_type=content_type, size=len(data)))


def read(key: str) -> bytes | None:
    """The bytes under ``key``, or None; the column alone, so the row stays out of the session."""
    return db.session.scalar(select(StoredFile.data).where(StoredFile.key == key))


def has(key: str) -> bool:
    """Whether a file is kept under ``key``."""
    return db.session.scalar(select(StoredFile.key).where(StoredFile.key == key)) is not None


def remove(key: str) -> None:
    """Forget the file under ``key`` in the current transaction; none there is fine."""
    db.session.execute(delete(StoredFile).where(StoredFile.key == key))
