"""Pages under load through gunicorn with the production settings, against a page that returns a constant.

    python bench/http.py [--rows 1000000] [--workers 5] [--seconds 5] [--only queue,book]

Needs PostgreSQL (DATABASE_URL) and Debian's `wrk` (apt-get install -y wrk); REDIS_URL is used when set (cache
and broker, as in production). A scratch database gets N registrations in Hà Nội (the province queue) and N
doses over every province (the national dashboard), set-based (INSERT … SELECT generate_series), a citizen
with a certificate (health book, verification), a province and a national officer signed in. gunicorn then
serves it with config.settings.production (long random SECRET_KEY, DEBUG off, no HTTPS redirect on loopback,
BENCH_ENDPOINTS on for /bench/constant/, the SMS and verification limits raised for the run only).

For each page, wrk measures requests per second of the page and of /bench/constant/ in turns, three times; the
medians are printed, then the page is driven at twice its saturation rate for 10 s (p50/p99 latency, and any
5xx is a failure). Last lines: `ratio http_NAME = VALUE`, page req/s ÷ constant req/s (higher is better).
"""
import sys
from pathlib import Path

# This file is named like the standard library's `http`: keep its folder off the front of the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import datetime  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PAGES = ["signup", "queue", "book", "dashboard", "verify"]

LUA = r"""
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } bench_timespec; int clock_gettime(int, bench_timespec *); ]]
local clock = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads, counter = {}, 0
local method, path, cookie, body, content_type = os.getenv("BENCH_METHOD"), os.getenv("BENCH_PATH"),
    os.getenv("BENCH_COOKIE"), os.getenv("BENCH_BODY") or "", "application/x-www-form-urlencoded"
local interval = tonumber(os.getenv("BENCH_INTERVAL_MS") or "0")   -- per thread; 0: as fast as possible
local run = tonumber(os.getenv("BENCH_RUN") or "0")
local next_at = nil

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function request()
  local headers = {["Cookie"] = cookie, ["Content-Type"] = content_type}
  local data = nil
  if method == "POST" then
    counter = counter + 1
    -- a new mobile number for every sign-up: thread id and a counter after a valid Vietnamese prefix
    data = body:gsub("PHONE", string.format("091%d%d%05d", run, id, counter % 100000))
  end
  return wrk.format(method, path, headers, data)
end

function delay()
  if interval <= 0 then return 0 end
  local t = now_ms()
  if next_at == nil then next_at = t end
  local wait = next_at - t
  next_at = math.max(next_at, t) + interval
  if wait < 0 then return 0 end
  return wait
end

local expect = tonumber(os.getenv("BENCH_EXPECT") or "0")

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if expect > 0 and status ~= expect and note == nil then  -- what the first unexpected answer said
    note = string.match(body or "", 'role="alert">%s*([^<]+)') or string.sub(body or "", 1, 200)
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  for _, thread in ipairs(threads) do
    local said = thread:get("note")
    if said then io.write("BENCH note " .. string.gsub(said, "%s+", " ") .. "\n") end
  end
  io.write("BENCH statuses")
  for status, n in pairs(total) do io.write(string.format(" %d=%d", status, n)) end
  io.write(string.format("\nBENCH rate=%.2f p50=%.2f p99=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


SECRET_KEY = secrets.token_urlsafe(50)  # one for this process and gunicorn: the sessions made here must open there


def environment(database_url: str, work: Path, redis_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0", "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0", "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "DATABASE_URL": database_url, "BENCH_ENDPOINTS": "1",
        "STATIC_ROOT": str(work / "static"), "VAR_DIR": str(work / "var"), "LOG_LEVEL": "WARNING",
        "SMS_BACKEND": "file", "SMS_FILE_PATH": str(work / "sms.log"),
        "CERT_SIGNING_KEY_FILE": str(work / "signer.key.pem"), "CERT_SIGNING_CERT_FILE": str(work / "signer.cert.pem"),
        # Every request of the bench comes from 127.0.0.1: the per-address limits are raised for this run only.
        "OTP_SMS_SENDS_PER_IP": "1000000000", "OTP_SMS_SENDS_PER_PHONE": "1000000", "VERIFY_PER_IP": "1000000000",
        "PASSWORD_TRIES_PER_IP": "1000000000",
    })
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


RUNS = iter(range(10**6))


def wrk(url: str, *, method="GET", path="/", cookie="", body="", seconds=5.0, connections=16,
        interval_ms=0.0, lua: Path, expect: int = 0) -> dict:
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_PATH": path, "BENCH_COOKIE": cookie, "BENCH_BODY": body,
           "BENCH_INTERVAL_MS": str(interval_ms), "BENCH_RUN": str(next(RUNS) % 10), "BENCH_EXPECT": str(expect)}
    done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                           "-s", str(lua), url], env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"wrk failed: {done.stderr or done.stdout}")
    out = done.stdout
    statuses = dict(map(int, pair.split("=")) for pair in re.search(r"BENCH statuses(.*)", out).group(1).split())
    figures = dict((k, float(v)) for k, v in re.findall(r"(\w+)=([\d.]+)", re.search(r"BENCH rate.*", out).group(0)))
    return {**figures, "statuses": statuses, "notes": re.findall(r"BENCH note (.*)", out)}


def build(rows: int, work: Path) -> dict:
    """The scratch data, the signed-in sessions and what each page is requested with."""
    from _data import doses_series, insert_series, people_series
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone
    from django.middleware.csrf import CSRF_ALLOWED_CHARS
    from django.utils.crypto import get_random_string
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from importlib import import_module

    from certificates.keys import keygen, signer_cache_clear
    from certificates.services import certificate_issue
    from citizens.models import Person
    from registry.models import AdministrativeUnit, PriorityGroup, Vaccine
    from registry.reference_data import load_reference_data
    from registry.services import facility_create, staff_assignment_set
    from reporting.rollups import rollups_rebuild
    from vaccination.models import Dose, Registration
    from _django import bench_site

    keygen(key_path=Path(settings.CERT_SIGNING_KEY_FILE), cert_path=Path(settings.CERT_SIGNING_CERT_FILE))
    signer_cache_clear()
    load_reference_data()
    world = bench_site(doses=10)
    sites = []
    for province in AdministrativeUnit.objects.filter(level="province").order_by("code"):
        ward = AdministrativeUnit.objects.filter(level="ward", province_code=province.code).order_by("code").first()
        sites.append(facility_create(actor=None, kind="site", site_type="commune_station", code=f"bench-{ward.code}",
                                     name=f"Trạm {ward.name}", unit=ward))

    started = time.perf_counter()
    wards = list(AdministrativeUnit.objects.filter(level="ward", province_code=1).values_list("pk", "district_code"))
    first = people_series(rows, ward_ids=[pk for pk, _d in wards], tag="q")
    groups = dict(PriorityGroup.objects.values_list("number", "pk"))
    districts = dict(AdministrativeUnit.objects.filter(level="district", province_code=1).values_list("code", "pk"))
    insert_series(Registration, rows, {
        "person": ("%s + i", [first]),
        "ward": ("(%s::bigint[])[1 + i %% %s]", [[pk for pk, _d in wards], len(wards)]),
        "district_code": ("(%s::int[])[1 + i %% %s]", [[d for _pk, d in wards], len(wards)]),
        "province_code": "1", "priority_number": "1 + (i / 7) %% 16",
        "priority_group": ("(%s::bigint[])[1 + (i / 7) %% 16]", [[groups[n] for n in range(1, 17)]]),
        "status": "(ARRAY['submitted','submitted','submitted','submitted','submitted','submitted','submitted',"
                  "'approved','allocated','rejected'])[1 + i %% 10]",
        "allocated_district": ("CASE WHEN i %% 10 = 8 THEN (%s::bigint[])[1 + i %% %s] END",
                               [list(districts.values()), len(districts)]),
        "consent_at": f"now() - make_interval(secs => {rows} - i)",
        "created_at": f"now() - make_interval(secs => {rows} - i)",
        "next_dose_number": "1",
    })
    vaccine = Vaccine.objects.get(code="astrazeneca")
    doses_series(rows, first_person=first, site_ids=[s.pk for s in sites], vaccine_id=vaccine.pk,
                 lot_id=world["lot"].pk, tag="d")
    rollups_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"{rows:,} registrations and {rows:,} doses in {time.perf_counter() - started:.0f} s", flush=True)

    # A citizen with a family member, two confirmed doses and a certificate (the health book, verification).
    # A number of its own: the sign-ups' numbers are 091…, and one of them was this account's once (a refused one).
    citizen = get_user_model().objects.create_citizen("0987000777", "mat-khau-dai-1", full_name="Lê Thị Thu")
    person = Person.objects.create(full_name="Lê Thị Thu", account=citizen, managed_by=citizen, phone=citizen.phone,
                                   ward=world["ward"], date_of_birth=timezone.localdate().replace(year=1985))
    Person.objects.create(full_name="Lê Văn Bình", managed_by=citizen, ward=world["ward"])
    for number in (1, 2):
        Dose.objects.create(person=person, site=world["site"], vaccine=vaccine, lot=world["lot"], dose_number=number,
                            given_at=timezone.now() - datetime.timedelta(days=90 - 30 * number),
                            idempotency_key=f"book-{number}", confirmed_at=timezone.now())
    certificate = certificate_issue(person_id=person.pk)

    store = import_module(settings.SESSION_ENGINE).SessionStore

    def session_for(user, *, otp: bool) -> str:
        session = store()
        session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if otp:
            session["otp_device_id"] = TOTPDevice.objects.create(user=user, name="bench", confirmed=True).persistent_id
        session.create()
        # The cookies a browser holds once signed in: its session, and the CSRF cookie that sign-in set. Without
        # the latter every page would make a new secret and send it back in a Set-Cookie, as no browser makes it.
        csrf_cookie = get_random_string(32, CSRF_ALLOWED_CHARS)
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf_cookie}"

    national = get_user_model().objects.create_user("bench-national", secrets.token_urlsafe(), full_name="Quốc gia")
    staff_assignment_set(actor=None, user=national, role="national")
    return {
        "queue": {"path": reverse("vaccination_console:registration_list"),
                  "cookie": session_for(world["staff"]["prov"], otp=True), "expect": 200},
        "dashboard": {"path": reverse("reporting:dashboard"), "cookie": session_for(national, otp=True), "expect": 200},
        "book": {"path": reverse("vaccination:person_vaccinations", args=[person.pk]),
                 "cookie": session_for(citizen, otp=False), "expect": 200},
        # The sign-up's first step (name and number; the password comes with the code, on the next page).
        "signup": {"path": reverse("citizens:signup"), "method": "POST", "expect": 302, "form": {
            "full_name": "Người Đăng Ký", "phone": "PHONE"}},
        "verify": {"path": reverse("certificates:verify"), "method": "POST", "expect": 200,
                   "form": {"qr": certificate.qr_text}},
    }


def csrf_pair(base: str, path: str) -> tuple[str, str]:
    """A CSRF cookie and form token, fetched from the page as a browser would."""
    with urllib.request.urlopen(base + path) as response:
        html = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    cookie = next(c.split(";")[0] for c in cookies if "csrftoken" in c)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return cookie, token


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000, help="registrations and doses (e.g. 100000 for a "
                                                                      "quick run)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each throughput measurement")
    parser.add_argument("--only", default=",".join(PAGES))
    parser.add_argument("--profile", choices=PAGES, help="no server: where N requests of this page spend their time "
                                                         "in-process (queries of one request, then cProfile)")
    parser.add_argument("--requests", type=int, default=200, help="requests profiled with --profile")
    parser.add_argument("--hold", action="store_true", help="build, start gunicorn, print each page's wrk command "
                                                            "and serve until interrupted (Ctrl-C drops the data)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/http.py needs wrk: apt-get install -y wrk")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    pages = [p for p in args.only.split(",") if p in PAGES]
    work = Path(tempfile.mkdtemp(prefix="bench-http-"))
    (work / "var").mkdir()
    lua = work / "bench.lua"
    lua.write_text(LUA)
    redis_url = os.environ.get("REDIS_URL")
    # The scratch database is made by this process with the same settings gunicorn will use.
    os.environ.update(environment(os.environ["DATABASE_URL"], work, redis_url))
    sys.path.append(str(HERE))
    from _django import scratch_database

    with scratch_database() as connection:
        requests = build(args.rows, work)
        settings_db = connection.settings_dict
        parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        database_url = urllib.parse.urlunsplit(parts._replace(path="/" + settings_db["NAME"]))
        env = environment(database_url, work, redis_url)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                       check=True)
        if args.profile:
            profile(requests[args.profile], args.requests)
            shutil.rmtree(work, ignore_errors=True)
            return
        port = 8700 + os.getpid() % 200
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py", "--bind",
             f"127.0.0.1:{port}", "--workers", str(args.workers), "--access-logfile", "/dev/null",
             "--max-requests", "0"], cwd=ROOT, env=env)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/bench/constant/").read()
                    break
                except OSError:
                    time.sleep(0.2)
            if args.hold:
                hold(pages, requests, base, lua)
            results = {} if args.hold else run(pages, requests, base, lua, args)
        finally:
            server.terminate()
            server.wait(30)
        if redis_url:
            import redis

            redis.Redis.from_url(redis_url).flushdb()  # the queued SMS tasks of the sign-ups
    shutil.rmtree(work, ignore_errors=True)
    for name, value in results.items():
        print(f"ratio http_{name} = {value:.3f}")


def profile(spec: dict, count: int) -> None:
    """The page's queries in one request (after a first that fills the caches), then cProfile over `count`."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from django.test.utils import teardown_test_environment

    teardown_test_environment()  # the test runner's template instrumentation would be profiled too
    client = Client(SERVER_NAME="127.0.0.1")
    for pair in filter(None, spec.get("cookie", "").split("; ")):
        name, _sep, value = pair.partition("=")
        client.cookies[name] = value
    method = spec.get("method", "GET")

    phones = iter(range(secrets.randbelow(10**7), 10**8))

    def get():  # each sign-up with a number of its own, as wrk sends them
        form = {name: f"09{next(phones):08d}" if value == "PHONE" else value
                for name, value in spec.get("form", {}).items()}
        # urlencoded, as wrk sends it (the test client's default, multipart, costs Django more to parse)
        response = client.get(spec["path"]) if method == "GET" else client.post(
            spec["path"], urllib.parse.urlencode(form), content_type="application/x-www-form-urlencoded")
        assert response.status_code == spec["expect"], response.status_code
        return response

    get()
    with CaptureQueriesContext(connection) as queries:
        get()
    for query in queries.captured_queries:
        print(f"{query['time']:>7} s  {query['sql'][:300]}")
    print(f"{len(queries)} queries in one request")
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        get()
    print(f"{count} requests in {time.perf_counter() - started:.2f} s without the profiler: "
          f"{1000 * (time.process_time() - cpu) / count:.2f} ms of this process's CPU per request")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(lambda: [get() for _ in range(count)])
    print(f"{count} requests in {time.perf_counter() - started:.2f} s (under the profiler)")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(  # our own code, and the template render
        f"{re.escape(str(ROOT))}/(?!\\.venv)|shortcuts.py", 40)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def request_parts(base: str, spec: dict) -> tuple[str, str, str]:
    """The method, cookies and body a page is requested with; a POST carries a CSRF pair fetched as a browser would."""
    method, cookie, body = spec.get("method", "GET"), spec.get("cookie", ""), ""
    if method == "POST":
        csrf_cookie, token = csrf_pair(base, spec["path"])
        cookie = "; ".join(c for c in (cookie, csrf_cookie) if c)
        body = urllib.parse.urlencode({**spec["form"], "csrfmiddlewaretoken": token})
    return method, cookie, body


def hold(pages, requests, base, lua) -> None:
    """Print a wrk command line per page, then wait: for measuring by hand while changing the code."""
    for name in pages:
        spec = requests[name]
        method, cookie, body = request_parts(base, spec)
        print(f"{name}: BENCH_METHOD={method} BENCH_PATH='{spec['path']}' BENCH_COOKIE='{cookie}' "
              f"BENCH_BODY='{body}' wrk -t2 -c10 -d5s -s {lua} {base}", flush=True)
    print(f"constant: BENCH_PATH=/bench/constant/ wrk -t2 -c10 -d5s -s {lua} {base}\n"
          "gunicorn is serving; Ctrl-C ends it and drops the data (kill -HUP the master to reload code)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


def run(pages, requests, base, lua, args) -> dict:
    results, failures = {}, []
    connections = max(8, 2 * args.workers)
    for name in pages:
        spec = requests[name]
        method, cookie, body = request_parts(base, spec)
        # Every worker imports its views and fills its caches on its first requests: not part of the figures.
        wrk(base, method=method, path=spec["path"], cookie=cookie, body=body, seconds=3, connections=connections,
            lua=lua)
        wrk(base, path="/bench/constant/", seconds=2, connections=connections, lua=lua)
        ours, constant = [], []
        for _ in range(3):
            page = wrk(base, method=method, path=spec["path"], cookie=cookie, body=body, seconds=args.seconds,
                       connections=connections, lua=lua, expect=spec["expect"])
            unexpected = {s: n for s, n in page["statuses"].items() if s != spec["expect"]}
            if unexpected:
                failures.append(f"{name}: answers other than {spec['expect']}: {unexpected} {page['notes'][:1]}")
            ours.append(page["rate"])
            constant.append(wrk(base, path="/bench/constant/", seconds=args.seconds, connections=connections,
                                lua=lua)["rate"])
        rate, base_rate = statistics.median(ours), statistics.median(constant)
        if not rate or not base_rate:
            failures.append(f"{name}: no answer ({rate:.1f} req/s, constant {base_rate:.1f} req/s)")
            continue
        # Twice the saturation rate for 10 s, paced per wrk thread (2 threads), with four times the connections.
        overload = wrk(base, method=method, path=spec["path"], cookie=cookie, body=body, seconds=10,
                       connections=4 * connections, interval_ms=2 * 1000 / (2 * rate), lua=lua)
        errors = {s: n for s, n in overload["statuses"].items() if s >= 500}
        if errors or overload["errors"]:
            failures.append(f"{name} at twice its saturation: 5xx {errors}, socket errors {overload['errors']:.0f}")
        print(f"{name:<10} {rate:>8.1f} req/s   constant {base_rate:>8.1f} req/s   at {2 * rate:.0f} req/s offered: "
              f"{overload['rate']:.1f} served, p50 {overload['p50']:.1f} ms, p99 {overload['p99']:.1f} ms, "
              f"5xx {sum(errors.values())}", flush=True)
        results[name] = rate / base_rate
    for failure in failures:
        print("FAILED", failure)
    return results


if __name__ == "__main__":
    main()
