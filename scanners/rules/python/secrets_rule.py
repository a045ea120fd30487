"""AI502 hardcoded-secret: known key formats and high-entropy values under secret-like names.

Complements bandit's B105-B107 rather than repeating them: bandit already reports any
string assigned to a name matching its password/token/secret pattern, so the entropy
check here only covers the names bandit's pattern misses (`api_key`, `apiKey`,
`private_key`, `credentials`, `cfg["password"] = …`, …). Known vendor formats are
reported wherever they appear, since the format itself is the evidence. Snippets and
messages are masked (scanners/rules/secrets.py); the raw value never leaves the rule.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.astutil import NodeIndex, node_index
from scanners.rules.secrets import SecretMatch, detect_secret, mask_in_text, mask_secret
from scanners.source import SourceFile

# bandit 1.9's name pattern for B105-B107 (general_hardcoded_password.py).
_BANDIT_NAMES = re.compile(
    r"(^(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)$|_(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)_"
    r"|^(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)_|_(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)$)",
    re.IGNORECASE,
)
_LOWER = {
    Confidence.HIGH: Confidence.MEDIUM,
    Confidence.MEDIUM: Confidence.LOW,
    Confidence.LOW: Confidence.LOW,
}


def _name_of(target: ast.AST) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
        return str(target.slice.value)
    return None


def _named_strings(index: NodeIndex) -> Iterator[tuple[ast.Constant, str | None, bool, bool]]:
    """(string constant, the name it is bound to, bandit covers that binding, is a docstring)."""
    named: dict[int, tuple[str, bool]] = {}
    for node in index.of(ast.Assign, ast.AnnAssign):
        if node.value is None:
            continue
        for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
            name = _name_of(target)
            if name:
                named[id(node.value)] = (name, not isinstance(target, ast.Subscript))
    for keyword in index.of(ast.keyword):
        if keyword.arg:
            named[id(keyword.value)] = (keyword.arg, True)
    for mapping in index.of(ast.Dict):
        for key, value in zip(mapping.keys, mapping.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                named[id(value)] = (key.value, True)
    for arguments in index.of(ast.arguments):
        positional = [*arguments.posonlyargs, *arguments.args]
        defaults = arguments.defaults
        for arg, default in zip(positional[len(positional) - len(defaults) :], defaults, strict=True):
            named[id(default)] = (arg.arg, True)
        for arg, kw_default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
            if kw_default is not None:
                named[id(kw_default)] = (arg.arg, True)
    docstrings = {id(e.value) for e in index.of(ast.Expr) if isinstance(e.value, ast.Constant)}
    for node in index.of(ast.Constant):
        if isinstance(node.value, str) and len(node.value) >= 8:
            name, bandit_context = named.get(id(node), (None, False))
            yield (
                node,
                name,
                bool(name and bandit_context and _BANDIT_NAMES.search(name)),
                id(node) in docstrings,
            )


class HardcodedSecretRule:
    meta = RuleMeta(
        id="AI502",
        name="hardcoded-secret",
        title="Hard-coded secret (known key format or high-entropy value)",
        category=Category.SECURITY,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        in_tests_note=(
            "Reported in test code with low confidence: tests hold fixture credentials far more often "
            "than real ones."
        ),
        what=(
            "Flags string literals holding a known credential format (AWS access key ids and "
            "secret keys, GitHub, GitLab, Slack, Stripe live, Google, OpenAI, Anthropic, SendGrid, "
            "npm and PyPI tokens, PEM private keys, JWTs, `Bearer` headers) anywhere, and "
            "high-entropy values (≥ 16 characters, ≥ 3.5 bits/char) assigned to secret-like names "
            '(`api_key`, `apiKey`, `private_key`, `credentials`, `cfg["password"]`, keyword '
            'arguments, dict keys, defaults). Plain `password = "…"` literals are left to bandit '
            "B105-B107. Placeholders (`changeme`, `<your-key>`, `${VAR}`) are ignored; documented "
            "example keys (`…EXAMPLE`), test files and docstrings get a lower confidence. The "
            "snippet and message show the secret masked."
        ),
        why=(
            "Assistants fill in a working example with a key pasted in the prompt or copied from "
            "a tutorial, and the key lands in version control (ai-code-failures.md: outdated "
            "security patterns; hard-coded credentials are the classic)."
        ),
        example=(
            "import boto3\n"
            "\n"
            "client = boto3.client(\n"
            '    "s3",\n'
            '    aws_access_key_id="AKIA' + 'Z7Q3XK2M9V4B8N1P",  # expect: AI502\n'
            '    aws_secret_access_key="q8Hk2Lm9Pz4Rt7Wx1Vb3Nc5Jd6Fg0Ys2Ua8Ie4Oo",  # expect: AI502\n'
            ")\n"
            'STRIPE_API_KEY = "9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"  # expect: AI502\n'
        ),
        use_instead=(
            "import os\n"
            "\n"
            "import boto3\n"
            "\n"
            'client = boto3.client("s3")  # credentials from the environment or an instance role\n'
            'STRIPE_API_KEY = os.environ["STRIPE_API_KEY"]\n'
            'EXAMPLE_KEY = "<your-api-key>"\n'
            'CHECKSUM = "9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"\n'
        ),
    )

    def check(self, source: SourceFile, context: RepoContext) -> Iterator[Hit]:
        index = node_index(source)
        if index is None:
            return
        in_tests = context.in_tests(source.path)
        seen: set[tuple[int, str]] = set()
        for constant, name, bandit_covers, docstring in _named_strings(index):
            value = constant.value
            assert isinstance(value, str)
            match = detect_secret(name, value)
            if match is None or (not match.known_format and bandit_covers):
                continue
            line = self._line_of(source, constant, value, match)
            if (line, match.secret) in seen:
                continue
            seen.add((line, match.secret))
            yield self._hit(source, line, constant, match, lower=in_tests or docstring)

    @staticmethod
    def _line_of(source: SourceFile, constant: ast.Constant, value: str, match: SecretMatch) -> int:
        """The line of the secret itself inside a multi-line literal, when it can be found."""
        index = value.find(match.secret)
        line = constant.lineno + (value[:index].count("\n") if index > 0 else 0)
        return line if match.secret[:12] in source.line_text(line) else constant.lineno

    def _hit(
        self, source: SourceFile, line: int, constant: ast.Constant, match: SecretMatch, lower: bool
    ) -> Hit:
        confidence = Confidence.HIGH if match.known_format else Confidence.MEDIUM
        if match.placeholder:
            confidence = Confidence.LOW
        if lower:
            confidence = _LOWER[confidence]
        masked = mask_secret(match.secret)
        note = " (it looks like a documented example key)" if match.placeholder else ""
        return Hit(
            line=line,
            column=constant.col_offset if line == constant.lineno else 0,
            message=(
                f"{match.label} hard-coded in source (`{masked}`){note}; load it from the environment "
                "or a secret manager, and rotate it if it was ever committed"
            ),
            confidence=confidence,
            snippet=mask_in_text(source.line_text(line), [match.secret]),
        )
