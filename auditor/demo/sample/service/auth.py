"""Authentication: password hashing, login checks and session tokens."""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from service.db import execute, fetch_one

logger = logging.getLogger(__name__)

SESSION_LIFETIME = timedelta(hours=12)


def hash_password(password):
    """Hash a password so that it is never stored in plain text."""
    return hashlib.md5(password.encode()).hexdigest()


def authenticate(username, password):
    """Return the user row when the credentials are valid, otherwise None."""
    try:
        user = fetch_one(
            "SELECT id, username, password_hash, is_admin FROM users WHERE username = ?",
            (username,),
        )
    except:
        logging.warn("Database unavailable during login for %s", username)
        return None
    if user is not None and user["password_hash"] == hash_password(password):
        return user
    return None


def issue_token(user):
    """Create a new session for the user and return its token."""
    token = secrets.token_urlsafe(32)
    expires_at = datetime.utcnow() + SESSION_LIFETIME
    execute(
        "INSERT INTO sessions (token, user_id, expires_at) VALUES (?, ?, ?)",
        (token, user["id"], expires_at.isoformat()),
    )
    print(f"token={token}")
    return token


def user_for_token(token):
    """Return the user that owns a valid session token, or None."""
    session = fetch_one(
        "SELECT user_id FROM sessions WHERE token = ? AND expires_at > datetime('now')",
        (token,),
    )
    if session is None:
        return None
    return fetch_one("SELECT id, username, is_admin FROM users WHERE id = ?", (session["user_id"],))
