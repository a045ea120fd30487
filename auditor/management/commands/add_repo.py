from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from auditor.services.repositories import repository_create
from auditor.services.teams import team_get_or_create


class Command(BaseCommand):
    help = "Register a git repository for a team (the team is created if missing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument(
            "url", help="https://, ssh:// or git:// URL, or a local path under AUDITOR_LOCAL_REPO_ROOTS"
        )
        parser.add_argument("--team", default="Default")
        parser.add_argument(
            "--branch",
            default=None,
            help="the branch to scan (default: the one the remote's HEAD names, read with git ls-remote)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        team = team_get_or_create(options["team"])
        try:
            repository = repository_create(
                team=team, name=options["name"], clone_url=options["url"], default_branch=options["branch"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Registered {repository.name} (id {repository.pk}, branch {repository.default_branch}) "
            f"for team {team.name}."
        )
