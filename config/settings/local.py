"""Local use (`make run`): a single server on loopback with SQLite by default."""

from config.settings.base import *  # noqa: F403
from config.settings.base import SECRET_KEY as _KEY
from config.settings.base import VAR_DIR

if not _KEY:
    # A generated key kept in var/ so sessions survive restarts of the local server.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        import secrets

        _key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _key_file.read_text().strip()
