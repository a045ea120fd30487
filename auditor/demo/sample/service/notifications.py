"""Background notifications: e-mails the current user about account events."""

import asyncio
import logging

from service.users import getUserData

logger = logging.getLogger(__name__)

_current_user = None


async def fetch_user(user_id):
    """Load a user without blocking the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, getUserData, user_id)


async def get_current_user(user_id):
    """Return the current user, loading it only once."""
    global _current_user
    if _current_user is None:
        _current_user = await fetch_user(user_id)
    return _current_user


async def notify(user_id, event):
    """Send a notification about an event to the current user."""
    user = await get_current_user(user_id)
    logger.info("Notifying %s about %s", user["username"], event)
    await asyncio.sleep(0)  # hand control back to the loop between notifications


async def notify_all(user_id, events):
    """Send all notifications concurrently."""
    await asyncio.gather(*(notify(user_id, event) for event in events))


def run_notifications(user_id, events):
    """Entry point used by the worker process."""
    loop = asyncio.get_event_loop()
    loop.run_until_complete(notify_all(user_id, events))
