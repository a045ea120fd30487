"""Python concurrency rules beyond their documented examples: AI401 shared state,
AI402 check-then-act across await."""

from __future__ import annotations

from pathlib import Path

from tests.scanners.rules.harness import assert_marked, lines_of

# --- AI401 / AI402 concurrency ---------------------------------------------------------


def test_shared_state_rule_covers_dict_updates_check_then_set_and_globals(tmp_path: Path) -> None:
    code = (
        "from concurrent.futures import ThreadPoolExecutor\n"
        "total = 0\n"
        "_cache = {}\n"
        "class Stats:\n"
        "    def add(self, key):\n"
        "        self.counts[key] = self.counts.get(key, 0) + 1  # expect: AI401\n"
        "        self.items.append(key)\n"
        "    def load(self, key):\n"
        "        if key not in self.cache:  # expect: AI401\n"
        "            self.cache[key] = compute(key)\n"
        "def tally(n):\n"
        "    global total\n"
        "    total += n  # expect: AI401\n"
        "    _cache[n] = _cache.get(n, 0) + 1  # expect: AI401\n"
        "    local = {}\n"
        "    local[n] = local.get(n, 0) + 1\n"
        "with ThreadPoolExecutor() as pool:\n"
        "    pool.map(tally, range(10))\n"
    )
    assert_marked("AI401", code, tmp_path)


def test_shared_state_rule_is_quiet_without_threads_and_under_locks(tmp_path: Path) -> None:
    no_threads = "class Counter:\n    def increment(self):\n        self.count += 1\n"
    assert lines_of("AI401", no_threads, tmp_path) == []
    locked = (
        "import threading\n"
        "lock = threading.Lock()\n"
        "class Local(threading.local):\n"
        "    def bump(self):\n"
        "        self.n += 1\n"
        "class Counter:\n"
        "    def bump(self):\n"
        "        lock.acquire()\n"
        "        try:\n"
        "            self.n += 1\n"
        "        finally:\n"
        "            lock.release()\n"
        "threading.Thread(target=Counter().bump).start()\n"
    )
    assert lines_of("AI401", locked, tmp_path) == []


def test_a_class_lock_flags_only_state_it_guards_elsewhere(tmp_path: Path) -> None:
    code = (
        "import threading\n"
        "class Pool:\n"
        "    def __init__(self):\n"
        "        self._lock = threading.Lock()\n"
        "        self.size = 0\n"
        "    def grow(self):\n"
        "        with self._lock:\n"
        "            self.size += 1\n"
        "    def shrink(self):\n"
        "        self.size -= 1  # expect: AI401\n"
        "    def note(self):\n"
        "        self.calls += 1\n"
    )
    assert_marked("AI401", code, tmp_path)


def test_check_then_act_on_a_dict_item_across_await(tmp_path: Path) -> None:
    code = (
        "class Cache:\n"
        "    async def get(self, key):\n"
        "        if key not in self._data:\n"
        "            value = await load(key)\n"
        "            self._data[key] = value  # expect: AI402\n"
        "        return self._data[key]\n"
        "    async def set_first(self, key):\n"
        "        if self._flag is None:\n"
        "            self._flag = True\n"
        "            await save(key)\n"
    )
    assert_marked("AI402", code, tmp_path)
