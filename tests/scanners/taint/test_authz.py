"""Missing authorisation (AI621, AI622): the repository's convention decides."""

from __future__ import annotations

from pathlib import Path

from tests.scanners.rules.harness import lines_of

GUARDED_FLASK = (
    "from flask_login import login_required\n"
    "@app.get('/a')\n@login_required\ndef a(): ...\n"
    "@app.post('/b')\n@login_required\ndef b(): ...\n"
    "@app.put('/c')\n@login_required\ndef c(): ...\n"
)
CODE = (
    "@app.route('/x', methods=['POST'])\n"
    "def create(): ...\n"
    "@app.get('/y')\n"
    "def read(): ...\n"
    "@app.delete('/z')\n"
    "def remove(user=Depends(get_current_user)): ...\n"
)


def test_only_unguarded_writes_are_flagged_where_the_repo_guards_its_routes(tmp_path: Path) -> None:
    assert lines_of("AI621", CODE, tmp_path, extra_files={"app/routes.py": GUARDED_FLASK}) == [2]


def test_a_repository_without_an_auth_convention_is_not_flagged(tmp_path: Path) -> None:
    unguarded = GUARDED_FLASK.replace("@login_required\n", "")
    assert lines_of("AI621", CODE, tmp_path, extra_files={"app/routes.py": unguarded}) == []


def test_express_routes_follow_the_middleware_convention_and_global_use_counts(tmp_path: Path) -> None:
    others = "\n".join(
        [
            "router.get('/a', requireAuth, a);",
            "router.post('/b', requireAuth, b);",
            "router.put('/c', isAuthenticated, c);",
        ]
    )
    code = "\n".join(
        [
            "router.post('/x', (req, res) => save(req.body));",
            "router.post('/y', (req, res) => { if (!req.user) return; });",
        ]
    )
    assert lines_of("AI622", code, tmp_path, filename="src/x.js", extra_files={"src/o.js": others}) == [1]
    glob = "app.use(passport.authenticate('jwt'));\n" + code
    assert lines_of("AI622", glob, tmp_path, filename="src/x.js", extra_files={"src/o.js": others}) == []
