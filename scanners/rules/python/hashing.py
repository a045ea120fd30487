"""AI202 weak-password-hash: a fast hash (md5, sha1, bare sha2/sha3/blake2) over a password."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.astutil import ImportTable, walk_function_body
from scanners.rules.sensitive import is_password_name
from scanners.source import SourceFile

_BROKEN = frozenset({"md5", "sha1"})
_FAST = frozenset(
    {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s"}
    | {"sha3_224", "sha3_256", "sha3_384", "sha3_512"}
)
_FIX = "use a password hash: `bcrypt`, `argon2-cffi`, `hashlib.scrypt` or `hashlib.pbkdf2_hmac`"


def _password_names(expr: ast.AST, tainted: set[str]) -> str | None:
    """The first password-like name the expression reads (`password.encode()`, f"{salt}{pw}")."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Name) and (node.id in tainted or is_password_name(node.id)):
            return node.id
        if isinstance(node, ast.Attribute) and is_password_name(node.attr):
            return node.attr
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
            and is_password_name(node.slice.value)
        ):
            return node.slice.value
    return None


class WeakPasswordHashRule:
    meta = RuleMeta(
        id="AI202",
        name="weak-password-hash",
        title="Password hashed with a fast or broken hash",
        category=Category.TEMPORAL,
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags `hashlib.md5`, `sha1`, or any bare fast hash (`sha256`, `sha512`, `blake2b`, "
            "`hashlib.new('md5', …)`, `h.update(…)` on such a hash) applied to a value read from a "
            "password-like name (`password`, `passwd`, `pwd`, `passphrase`, `user.password`, "
            "`data['password']`, or a local assigned from one) in the same function. Tokens and "
            "API keys are not passwords: hashing them with SHA-256 is fine."
        ),
        why=(
            "Tutorials from a decade ago hash passwords with md5 or a salted sha256, and models "
            "reproduce them (ai-code-failures.md, 'Outdated security patterns'). Fast hashes let "
            "an attacker with the database try billions of guesses per second."
        ),
        example=(
            "import hashlib\n"
            "\n"
            "\n"
            "def hash_password(password):\n"
            "    return hashlib.md5(password.encode()).hexdigest()  # expect: AI202\n"
            "\n"
            "\n"
            "def store(user, salt):\n"
            '    digest = hashlib.sha256(f"{salt}{user.password}".encode())  # expect: AI202\n'
            "    return digest.hexdigest()\n"
        ),
        use_instead=(
            "import hashlib\n"
            "\n"
            "import bcrypt\n"
            "\n"
            "\n"
            "def hash_password(password):\n"
            "    return bcrypt.hashpw(password.encode(), bcrypt.gensalt())\n"
            "\n"
            "\n"
            "def derive(password, salt):\n"
            '    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)\n'
            "\n"
            "\n"
            "def token_digest(api_token):\n"
            "    return hashlib.sha256(api_token.encode()).hexdigest()  # tokens are not passwords\n"
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        tree = source.python_tree
        if tree is None or "hashlib" not in source.text:
            return
        imports = ImportTable()
        scopes: list[ast.AST] = [tree]
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imports.add(node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                scopes.append(node)
        for scope in scopes:
            yield from self._check_scope(scope, imports)

    def _check_scope(self, scope: ast.AST, imports: ImportTable) -> Iterator[Hit]:
        nodes = list(walk_function_body(scope))
        # The haveibeenpwned range API is specified as SHA-1 of the password: not storage.
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) and "pwned" in scope.name.lower():
            return
        tainted: set[str] = set()
        hashers: dict[str, str] = {}  # local name → algorithm of the hash object it holds
        for node in nodes:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                target = node.targets[0].id
                if _password_names(node.value, set()):
                    tainted.add(target)
                if isinstance(node.value, ast.Call):
                    algorithm = self._algorithm(node.value, imports)
                    if algorithm:
                        hashers[target] = algorithm
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # `def hash_it(pw)` with a password parameter makes every use of it a password.
            tainted |= {a.arg for a in scope.args.args + scope.args.kwonlyargs if is_password_name(a.arg)}
        for node in nodes:
            if not isinstance(node, ast.Call):
                continue
            algorithm = self._algorithm(node, imports)
            data = self._data_argument(node, imports) if algorithm else None
            if algorithm is None and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
                receiver = node.func.value
                if isinstance(receiver, ast.Name) and receiver.id in hashers and node.args:
                    algorithm, data = hashers[receiver.id], node.args[0]
            if algorithm is None or data is None:
                continue
            name = _password_names(data, tainted)
            if name is not None:
                yield self._hit(node, algorithm, name)

    @staticmethod
    def _algorithm(call: ast.Call, imports: ImportTable) -> str | None:
        """`md5` for `hashlib.md5(...)`/`hashlib.new("md5", ...)`, None for anything else."""
        if any(k.arg == "usedforsecurity" for k in call.keywords):
            return None  # explicitly not a security use
        qualified = imports.resolve(call.func)
        if qualified is None or not qualified.startswith("hashlib."):
            return None
        name = qualified.removeprefix("hashlib.")
        if name in _FAST:
            return name
        if name == "new" and call.args and isinstance(call.args[0], ast.Constant):
            algorithm = str(call.args[0].value).lower().replace("-", "_")
            return algorithm if algorithm in _FAST else None
        return None

    @staticmethod
    def _data_argument(call: ast.Call, imports: ImportTable) -> ast.expr | None:
        qualified = imports.resolve(call.func) or ""
        position = 1 if qualified == "hashlib.new" else 0
        if len(call.args) > position:
            return call.args[position]
        for keyword in call.keywords:
            if keyword.arg in ("data", "string"):
                return keyword.value
        return None

    def _hit(self, call: ast.Call, algorithm: str, name: str) -> Hit:
        if algorithm in _BROKEN:
            kind = f"`{algorithm}` is broken and fast"
        else:
            kind = f"a bare `{algorithm}` is fast (billions of guesses per second on a GPU)"
        return Hit(
            line=call.lineno,
            column=call.col_offset,
            end_line=call.end_lineno,
            message=f"`{name}` is hashed with {algorithm}: {kind}, unfit for passwords; {_FIX}",
        )
