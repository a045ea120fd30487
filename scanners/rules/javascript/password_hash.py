"""AI213: a password put through a fast hash (MD5, SHA-1, bare SHA-2) in JS/TS."""

from __future__ import annotations

from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.javascript.syntax import (
    JS_LANGUAGES,
    Node,
    arguments,
    call_name,
    descendants,
    line_of,
    matches,
    string_value,
    text,
)
from scanners.rules.sensitive import is_password_name
from scanners.source import SourceFile

_NAME_TYPES = frozenset({"identifier", "property_identifier", "shorthand_property_identifier"})
_FAST_FUNCTIONS = ("md5", "md4", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3", "ripemd160",
                   "MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "SHA3", "RIPEMD160")  # fmt: skip

_PATTERNS = (
    "((call_expression function: (member_expression object: (_) @receiver property: "
    '(property_identifier) @_update) arguments: (arguments . (_) @data)) @update (#eq? @_update "update"))',
    "((call_expression function: [(identifier) (member_expression property: (property_identifier))] @fn"
    " arguments: (arguments . (_) @data)) @direct"
    r' (#match? @fn "(^|\\.)(md[45]|sha(1|224|256|384|512|3)|ripemd160|MD5|SHA(1|224|256|384|512|3)'
    r'|RIPEMD160)$"))',
    "((call_expression function: (member_expression object: (_) @_subtle property: (property_identifier)"
    ' @_digest) arguments: (arguments (_) @alg . (_) @data)) @digest (#eq? @_digest "digest")'
    ' (#match? @_subtle "subtle$"))',
)
_HASH_VARIABLES = (
    "(variable_declarator name: (identifier) @name value: (call_expression) @call)",
    "(assignment_expression left: (identifier) @name right: (call_expression) @call)",
)


def password_in(expression: Node) -> str | None:
    """The password-like name the hashed expression reads (`password`, `req.body.pwd`,
    `Buffer.from(password)`, `` `${salt}${password}` ``), if any."""
    for node in descendants(expression, _NAME_TYPES):
        name = text(node)
        if is_password_name(name):
            return name
    return None


class WeakPasswordHashJs:
    """AI213: `createHash('md5'|'sha256'…).update(password)`, `md5(password)`, `CryptoJS.SHA1(pw)`."""

    meta = RuleMeta(
        id="AI213",
        name="weak-password-hash-js",
        title="Password hashed with a fast hash (MD5/SHA)",
        category=Category.TEMPORAL,
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags a value read from a password-like name (`password`, `passwd`, `pwd`, "
            "`passphrase`; not `passwordHash` or `resetToken`) hashed with Node's "
            "`crypto.createHash(…)` (any algorithm: MD5, SHA-1 and bare SHA-2 are all fast), "
            "`md5()`/`sha1()`/`sha256()` helper packages, `CryptoJS.MD5/SHA1/SHA256(…)` or "
            "`crypto.subtle.digest(…)`. `crypto.scrypt`, `crypto.pbkdf2`, bcrypt and argon2 "
            "are the fix and are never flagged."
        ),
        why=(
            "The model learned password storage from years of tutorials that used "
            "`md5(password)` — the source text's outdated security pattern. Fast hashes are "
            "brute-forced at billions of guesses per second; a leaked table is a leaked set "
            "of passwords."
        ),
        example=(
            "import crypto from 'node:crypto';\n"
            "import md5 from 'md5';\n"
            "import CryptoJS from 'crypto-js';\n"
            "\n"
            "export function hashPassword(password: string) {\n"
            "  return crypto.createHash('sha256').update(password).digest('hex');  // expect: AI213\n"
            "}\n"
            "\n"
            "export function legacyHash(user: { password: string }) {\n"
            "  const hash = crypto.createHash('md5');\n"
            "  hash.update(user.password);  // expect: AI213\n"
            "  const digest = hash.digest('hex');\n"
            "  return [digest, md5(user.password), CryptoJS.SHA1(user.password)];  // expect: AI213\n"
            "}\n"
        ),
        use_instead=(
            "import crypto from 'node:crypto';\n"
            "import bcrypt from 'bcrypt';\n"
            "\n"
            "export async function hashPassword(password: string) {\n"
            "  return bcrypt.hash(password, 12);\n"
            "}\n"
            "\n"
            "export function deriveKey(password: string, salt: Buffer) {\n"
            "  return crypto.scryptSync(password, salt, 64);\n"
            "}\n"
            "\n"
            "export function fingerprint(body: string, passwordResetToken: string) {\n"
            "  const etag = crypto.createHash('md5').update(body).digest('hex');\n"
            "  return [etag, crypto.createHash('sha256').update(passwordResetToken).digest('hex')];\n"
            "}\n"
        ),
        languages=JS_LANGUAGES,
    )
    example_filename = "src/example.ts"

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        lowered = source.text.lower()
        if source.ts_tree is None or not ("pass" in lowered or "pw" in lowered):
            return
        if not any(token in lowered for token in ("createhash", "md5", "sha", "digest", "ripemd")):
            return
        hash_variables: dict[str, Node] | None = None
        flagged: set[int] = set()
        for match in matches(source, _PATTERNS):
            data = match.get("data", [None])[0]
            if data is None:
                continue
            password = password_in(data)
            if password is None:
                continue
            algorithm: str | None = None
            if "update" in match:
                receiver = match["receiver"][0]
                if receiver.type == "identifier":
                    if hash_variables is None:
                        hash_variables = _hash_variables(source)
                    created = hash_variables.get(text(receiver))
                    algorithm = _created_hash(created) if created is not None else None
                else:
                    algorithm = _created_hash(receiver)
                call = match["update"][0]
            elif "digest" in match:
                algorithm = string_value(match["alg"][0]) or "SHA"
                call = match["digest"][0]
            else:
                call = match["direct"][0]
                name = call_name(call)[1]
                algorithm = name.upper() if name in _FAST_FUNCTIONS else None
            if algorithm is None or line_of(call) in flagged:
                continue
            flagged.add(line_of(call))
            yield Hit(
                line_of(call),
                f"`{password}` is hashed with {algorithm.upper()}, a fast hash that GPUs try at "
                "billions of guesses per second; store passwords with bcrypt, argon2 "
                "(`argon2.hash`) or Node's `crypto.scrypt`/`crypto.pbkdf2` with a per-user salt.",
                column=call.start_point[1],
            )


def _created_hash(node: Node) -> str | None:
    """The algorithm of a `createHash('…')` call (`"hash"` when not a literal)."""
    if node.type != "call_expression" or call_name(node)[1] != "createHash":
        return None
    args = arguments(node)
    return (string_value(args[0]) if args else None) or "hash"


def _hash_variables(source: SourceFile) -> dict[str, Node]:
    found: dict[str, Node] = {}
    for match in matches(source, _HASH_VARIABLES):
        call = match["call"][0]
        if call_name(call)[1] == "createHash":
            found[text(match["name"][0])] = call
    return found
