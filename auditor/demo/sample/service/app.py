"""HTTP API of the accounts service.

This module defines all the routes of the service in a clean and maintainable way.
"""

import logging
import pickle

from fastjsonschema_utils import validate
from flask import Flask, abort, jsonify, request

from service.auth import authenticate, issue_token, user_for_token
from service.config import load_settings
from service.pricing import calculate_price
from service.users import getUserData, update_user
from service.utils.validation import validate_user_input

logger = logging.getLogger(__name__)

app = Flask(__name__)
settings = load_settings("config/settings.yaml")

PROFILE_SCHEMA = {
    "type": "object",
    "properties": {
        "display_name": {"type": "string"},
        "bio": {"type": "string"},
    },
    "required": ["display_name"],
}


def current_user():
    """Return the user of the bearer token in the request, or abort with 401."""
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    user = user_for_token(token)
    if user is None:
        abort(401)
    return user


@app.post("/api/login")
def login():
    """Authenticate a user and return a session token."""
    payload = request.get_json()
    username = payload["username"]
    password = payload["password"]
    logger.info("login %s %s", username, password)
    user = authenticate(username, password)
    if user is None:
        return jsonify({"error": "Invalid username or password"}), 401
    return jsonify({"token": issue_token(user)})


@app.get("/api/users/<int:user_id>")
def get_profile(user_id):
    """Return a user's profile."""
    user = getUserData(user_id)
    if user is None:
        abort(404)
    return jsonify(user)


@app.put("/api/users/<int:user_id>")
def update_profile(user_id):
    """Update the profile of the logged-in user."""
    user = current_user()
    if user["id"] != user_id:
        abort(403)
    payload = request.get_json()
    validate(PROFILE_SCHEMA, payload)
    update_user(user_id, validate_user_input(payload))
    return jsonify(getUserData(user_id))


@app.post("/api/orders/quote")
def quote_order():
    """Return the price of an order for the logged-in customer."""
    user = current_user()
    customer = getUserData(user["id"])
    return jsonify({"price": calculate_price(request.get_json(), customer)})


@app.post("/api/admin/import")
def import_users():
    """Import users exported by the legacy admin tool."""
    user = current_user()
    assert user["is_admin"], "Only administrators can import users"
    users = pickle.loads(request.data)
    for imported in users:
        update_user(imported["id"], imported)
    return jsonify({"imported": len(users)})
