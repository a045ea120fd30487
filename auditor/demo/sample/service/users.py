"""User profiles: lookups, avatar enrichment and updates."""

import logging

import requests

from service.db import execute, fetch_one
from service.helpers.validation import extract_email_domain

logger = logging.getLogger(__name__)

AVATAR_SERVICE_URL = "https://avatars.acme.example/api/v1/avatar"


def getUserData(user_id):
    """Fetch the user's profile and enrich it with the email domain and avatar."""
    row = fetch_one(
        "SELECT id, username, email, display_name, bio FROM users WHERE id = ?",
        (user_id,),
    )
    if row is None:
        return None
    user = dict(row)
    user["email_domain"] = extract_email_domain(user["email"])
    user["avatar_url"] = fetch_avatar_url(user["username"])
    return user


def fetch_avatar_url(username):
    """Ask the avatar service for the user's avatar URL."""
    avatar_url = None
    try:
        response = requests.get(f"{AVATAR_SERVICE_URL}?user={username}")
        avatar_url = response.json()["url"]
    except Exception:
        pass
    return avatar_url


def update_user(user_id, values):
    """Persist the validated profile fields for a user."""
    execute(
        "UPDATE users SET display_name = ?, bio = ? WHERE id = ?",
        (values["display_name"], values["bio"], user_id),
    )
    logger.info("Updated profile of user %s", user_id)
