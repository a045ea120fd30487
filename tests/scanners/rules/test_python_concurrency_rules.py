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


# --- locks by what they are, class attributes, check-then-insert ---------------------


def test_a_lock_is_recognised_by_the_assignment_that_created_it_not_by_its_name(tmp_path: Path) -> None:
    code = (
        "import threading\n"
        "class Pool:\n"
        "    def __init__(self):\n"
        "        self._guard = threading.RLock()\n"
        "        self.lock = open('pool.lock', 'w')\n"
        "    def take(self):\n"
        "        with self._guard:\n"
        "            self.taken += 1\n"
        "    def give(self):\n"
        "        with self.lock:\n"
        "            self.taken -= 1  # expect: AI401\n"
        "threading.Thread(target=Pool().take).start()\n"
    )
    assert_marked("AI401", code, tmp_path)


def test_class_attributes_and_check_then_insert_on_shared_sets_are_flagged(tmp_path: Path) -> None:
    code = (
        "import threading\n"
        "class Registry:\n"
        "    instances = 0\n"
        "    def register(self, name):\n"
        "        Registry.instances += 1  # expect: AI401\n"
        "        if name not in self.seen:  # expect: AI401\n"
        "            self.seen.add(name)\n"
        "    @classmethod\n"
        "    def bump(cls):\n"
        "        cls.instances = cls.instances + 1  # expect: AI401\n"
        "    def local_only(self, names):\n"
        "        seen = set()\n"
        "        if names not in seen:\n"
        "            seen.add(names)\n"
        "threading.Thread(target=Registry().register, args=('a',)).start()\n"
    )
    assert_marked("AI401", code, tmp_path)


def test_check_then_act_across_await_trusts_an_asyncio_lock_whatever_its_name(tmp_path: Path) -> None:
    code = (
        "import asyncio\n"
        "class Tokens:\n"
        "    def __init__(self):\n"
        "        self._once = asyncio.Lock()\n"
        "        self.lock_file = None\n"
        "    async def token(self):\n"
        "        async with self._once:\n"
        "            if self._token is None:\n"
        "                self._token = await fetch()\n"
        "        return self._token\n"
        "    async def refresh(self):\n"
        "        async with self.lock_file:\n"
        "            if self._token is None:\n"
        "                self._token = await fetch()  # expect: AI402\n"
    )
    assert_marked("AI402", code, tmp_path)


# --- AI403 lost-update-across-await ----------------------------------------------------


def test_lost_update_covers_compound_forms_and_stays_quiet_when_reads_follow_the_await(
    tmp_path: Path,
) -> None:
    code = (
        "import asyncio\n"
        "total = 0\n"
        "_cache = {}\n"
        "async def add(key, cond):\n"
        "    global total\n"
        "    total = total + await price(key)  # expect: AI403\n"
        "    total = total if cond else await price(key)\n"
        "    total = (await price(key)) + total\n"
        "    _cache[key] = await merge(_cache.get(key), key)  # expect: AI403\n"
        "    local = 0\n"
        "    local += await price(key)\n"
        "class Account:\n"
        "    def __init__(self):\n"
        "        self._mutex = asyncio.Lock()\n"
        "    async def deposit(self, amount):\n"
        "        self.balance += await convert(amount)  # expect: AI403\n"
        "        async with self._mutex:\n"
        "            self.balance += await convert(amount)\n"
        "    def sync(self, amount):\n"
        "        self.balance += amount\n"
    )
    assert_marked("AI403", code, tmp_path)


def test_check_then_act_sees_guard_clauses_and_module_level_caches(tmp_path: Path) -> None:
    code = (
        "_cache = {}\n"
        "_settings = load()\n"
        "async def user(key):\n"
        "    if key in _cache:\n"
        "        return _cache[key]\n"
        "    value = await fetch(key)\n"
        "    _cache[key] = value  # expect: AI402\n"
        "    return value\n"
        "async def local_only(key):\n"
        "    _cache = {}\n"
        "    if key in _cache:\n"
        "        return _cache[key]\n"
        "    _cache[key] = await fetch(key)\n"
        "async def claimed_first(key):\n"
        "    if key in _cache:\n"
        "        return _cache[key]\n"
        "    _cache[key] = pending = start(key)\n"
        "    return await pending\n"
    )
    assert_marked("AI402", code, tmp_path)
