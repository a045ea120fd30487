"""The REST API (Django REST Framework): token auth, team-scoped, OpenAPI via drf-spectacular."""
