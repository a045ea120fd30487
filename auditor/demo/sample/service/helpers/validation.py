"""Input validation helpers.

These helpers make sure that user-provided data is safe before it is stored.
"""

import re

MAX_DISPLAY_NAME_LENGTH = 80
MAX_BIO_LENGTH = 500
USERNAME_PATTERN = re.compile(r"^[a-z0-9_.-]{3,32}$")


class ValidationError(ValueError):
    """Raised when user input does not pass validation."""


def extract_email_domain(email):
    """Extract the domain part of an email address (e.g. "example.com")."""
    return re.match(r"^[^@\s]+@([^@\s]+)$", email).group(1)


def validate_username(username):
    """Check that a username only contains allowed characters."""
    if not USERNAME_PATTERN.match(username):
        raise ValidationError("Username must be 3-32 characters: letters, digits, '_', '.' or '-'.")
    return username


def validate_user_input(payload):
    """Validate a profile update payload and return the cleaned values."""
    cleaned = {}
    display_name = payload.get("display_name", "").strip()
    if not display_name:
        raise ValidationError("Display name is required.")
    if len(display_name) > MAX_DISPLAY_NAME_LENGTH:
        raise ValidationError("Display name is too long.")
    cleaned["display_name"] = display_name
    bio = payload.get("bio", "")
    if len(bio) > MAX_BIO_LENGTH:
        raise ValidationError("Bio is too long.")
    cleaned["bio"] = bio
    if "username" in payload:
        cleaned["username"] = validate_username(payload["username"])
    return cleaned
