"""Small helpers shared by the service modules."""
