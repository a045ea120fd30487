"""Language-neutral taint values: where a value came from and the steps it took.

A `Value` is what the walker knows about one expression: the tainted origins that reach
it (a real source, or a parameter of the function being summarised), the families a
sanitiser has cleared it for, and two shape facts sinks need (an HTML literal was
concatenated in; the URL's scheme and host are a fixed literal).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

Step = tuple[int, int, str]  # (1-based line, 0-based column, message)
MAX_STEPS = 12  # a flow longer than this keeps its first and last steps


class Family(enum.StrEnum):
    """The sink families (one rule per family and language)."""

    COMMAND = "command"
    CODE = "code"
    SQL = "sql"
    NOSQL = "nosql"
    HTML = "html"
    PATH = "path"
    SSRF = "ssrf"
    REDIRECT = "redirect"


ALL_FAMILIES = frozenset(Family)
SOURCE = -1  # origin of a real untrusted source; parameters use their index


@dataclass(frozen=True, slots=True)
class Taint:
    origin: int  # SOURCE, or the index of the parameter it came in through
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Value:
    taints: tuple[Taint, ...] = ()
    cleared: frozenset[Family] = frozenset()
    html: bool = False  # built together with an HTML literal ("<b>" + x)
    fixed_host: bool = False  # a URL whose scheme://host/ is a literal prefix
    direct: bool = False  # the source expression itself (req.body.x), not derived

    @property
    def tainted(self) -> bool:
        return bool(self.taints)

    def live(self, family: Family) -> tuple[Taint, ...]:
        """The taints that still matter at a sink of `family`."""
        return () if family in self.cleared else self.taints

    def step(self, line: int, column: int, message: str) -> Value:
        """This value with one more step on every taint path."""
        if not self.taints:
            return self
        return replace(
            self,
            taints=tuple(Taint(t.origin, _cap((*t.steps, (line, column, message)))) for t in self.taints),
            direct=False,
        )

    def clear(self, families: frozenset[Family]) -> Value:
        return replace(self, cleared=self.cleared | families, direct=False)


CLEAN = Value()


def _cap(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    if len(steps) <= MAX_STEPS:
        return steps
    return steps[:2] + steps[-(MAX_STEPS - 2) :]


def source_value(line: int, column: int, message: str) -> Value:
    return Value((Taint(SOURCE, ((line, column, message),)),), direct=True)


def param_value(index: int, line: int, column: int, name: str) -> Value:
    return Value((Taint(index, ((line, column, f"parameter `{name}`"),)),))


def merge(values: list[Value] | tuple[Value, ...]) -> Value:
    """The union of several values (a string built from them, a container holding them).

    A family stays cleared only if every tainted part was cleared for it."""
    tainted = [v for v in values if v.taints]
    if not tainted:
        return Value(html=any(v.html for v in values))
    seen: dict[int, Taint] = {}
    for v in tainted:
        for t in v.taints:
            seen.setdefault(t.origin, t)
    cleared = frozenset.intersection(*(v.cleared for v in tainted))
    return Value(tuple(seen.values()), cleared, html=any(v.html for v in values))


@dataclass(frozen=True, slots=True)
class Flow:
    """A tainted value reaching a sink: what the rules report."""

    family: Family
    line: int
    column: int
    message: str
    steps: tuple[Step, ...]


@dataclass
class Summary:
    """What a same-file helper does with its parameters."""

    returns: Value = CLEAN  # taints of the return value (parameter origins or real sources)
    # parameter index → (family, sink step) for every parameter that reaches a sink inside
    sinks: dict[int, list[tuple[Family, Step]]] = field(default_factory=dict)


def at_sink(
    value: Value, family: Family, line: int, column: int, what: str
) -> tuple[list[Flow], list[tuple[int, Step]]]:
    """Flows of real sources into a sink, and (parameter, sink step) pairs for the summary."""
    flows: list[Flow] = []
    params: list[tuple[int, Step]] = []
    sink_step: Step = (line, column, what)
    for taint in value.live(family):
        if taint.origin == SOURCE:
            source_line = taint.steps[0][0]
            message = f"{what}: untrusted input from line {source_line} reaches it unsanitised"
            flows.append(Flow(family, line, column, message, _cap((*taint.steps, sink_step))))
        else:
            params.append((taint.origin, sink_step))
    return flows[:1], params


T = TypeVar("T")
_MEMO: dict[str, tuple[Any, Any]] = {}


def memoised(kind: str, source: Any, compute: Callable[[], T]) -> T:
    """`compute()` once per (kind, source object): every family rule runs on the same
    SourceFile one after another in the worker, so only the last file is kept."""
    cached = _MEMO.get(kind)
    if cached is not None and cached[0] is source:
        result: T = cached[1]
        return result
    result = compute()
    _MEMO[kind] = (source, result)
    return result


class Recorder:
    """What both walkers share: the flows found so far, and a helper's summary applied at
    a call site (its parameters replaced by the arguments' values)."""

    def __init__(self) -> None:
        self.flows: dict[tuple[Family, int], Flow] = {}

    def record(
        self, value: Value, family: Family, line: int, column: int, what: str, summary: Summary
    ) -> None:
        """`value` reaches a sink: real sources become flows, parameters go into `summary`."""
        flows, params = at_sink(value, family, line, column, what)
        for flow in flows:
            self.flows.setdefault((family, line), flow)
        for index, step in params:
            known = summary.sinks.setdefault(index, [])
            if (family, step) not in known:  # a loop or a recursive call meets it again
                known.append((family, step))

    def through(
        self, callee: Summary, name: str, arguments: dict[int, Value], call: Step, caller: Summary
    ) -> Value:
        """The value a call of a summarised helper returns; its inner sinks checked."""
        passed = (call[0], call[1], f"passed to `{name}()`")
        # A copy: a recursive helper adds to the very summary being read.
        for index, sinks in [(i, list(s)) for i, s in callee.sinks.items()]:
            value = arguments.get(index, CLEAN).step(*passed)
            for family, (line, column, what) in sinks:
                self.record(value, family, line, column, what, caller)
        returned = [
            Value((t,)) if t.origin == SOURCE else arguments.get(t.origin, CLEAN)
            for t in callee.returns.taints
        ]
        value = merge(returned)
        value = replace(
            value, cleared=value.cleared | callee.returns.cleared, html=value.html or callee.returns.html
        )
        return value.step(call[0], call[1], f"returned by `{name}()`")

    def sorted_flows(self) -> tuple[Flow, ...]:
        return tuple(sorted(self.flows.values(), key=lambda f: (f.line, f.family)))


def join(env: dict[str, Value], branch: dict[str, Value]) -> None:
    """What a variable may hold after a branch: either value."""
    for key, value in branch.items():
        old = env.get(key)
        if old is None or not old.tainted:
            env[key] = value
        elif value.tainted and value is not old:
            env[key] = merge([old, value])


def clear(env: dict[str, Value], names: set[str]) -> None:
    """Names a guard validated hold clean values from here on."""
    for name in names:
        if name in env:
            env[name] = CLEAN


def branches(
    env: dict[str, Value],
    guards: tuple[set[str], set[str]],
    body: Callable[[dict[str, Value]], None],
    orelse: Callable[[dict[str, Value]], None],
) -> None:
    """Walk an `if`: the names its test validates (when true, when false) are clean in the
    branch taken; afterwards a variable may hold what either branch left in it."""
    positive, negative = guards
    inside = dict(env)
    clear(inside, positive)
    body(inside)
    join(env, inside)
    otherwise = dict(env)
    clear(otherwise, negative)
    orelse(otherwise)
    join(env, otherwise)
