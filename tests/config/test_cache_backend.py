"""The Redis cache backend reuses one client per connection pool, and behaves as Django's own."""
import os

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis; set REDIS_URL (CI does)")


def test_one_client_serves_every_call_and_the_cache_works(settings):
    from registry.cache import ReusingRedisCache

    cache = caches["default"]
    assert isinstance(cache, ReusingRedisCache)
    assert cache._cache.get_client("a") is cache._cache.get_client("b")
    cache.set("registry.cache.test", {"kept": [1, 2]}, 30)
    assert cache.get("registry.cache.test") == {"kept": [1, 2]}
    assert cache.get_many(["registry.cache.test", "missing"]) == {"registry.cache.test": {"kept": [1, 2]}}
    cache.delete_many(["registry.cache.test"])
    assert cache.get("registry.cache.test") is None
    assert cache.incr(cache.add("registry.cache.n", 1) and "registry.cache.n") == 2
