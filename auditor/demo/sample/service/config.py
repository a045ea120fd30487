"""Configuration for the accounts service.

All configuration values are centralized here so they are easy to find and update.
"""

import os

import yaml

DEBUG = os.environ.get("ACCOUNTS_DEBUG") == "1"

# Reporting database (PostgreSQL), used by the nightly export job.
DB_HOST = os.environ.get("DB_HOST", "reporting-db.internal")
DB_NAME = "accounts"
DB_USER = "accounts_export"
DB_PASSWORD = "hunter2-prod"

# Credentials for uploading exports to S3.
AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AWS_REGION = "eu-central-1"
EXPORT_BUCKET = "acme-accounts-exports"


def load_settings(path):
    """Load the YAML settings file and return it as a dictionary.

    Args:
        path: Path to the YAML file.

    Returns:
        dict: The parsed settings.
    """
    with open(path) as settings_file:
        return yaml.load(settings_file)
