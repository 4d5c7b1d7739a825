"""CACHES backend for Redis: Django's own, reusing one redis client object per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` for every cache call, and building one fills its table of
some 170 response callbacks: on a signed-in page, which reads the session, the signed-in user, the second-factor
device and a badge count from the cache, that cost more than the four round trips. The client object holds no
connection of its own (the pool does, as before), so one per pool serves every call.
"""
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
