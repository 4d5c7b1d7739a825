"""Every status goes through its transitions table: no code outside the services that make a move writes it.

The moves live on the models (`TRANSITIONS`) and are checked by registry.transitions; this test reads the source
(ast, no import runs) of every app and fails for a status or visit step written anywhere but in the services
below: an assignment `x.status = …` / `x.step = …`, a `status=`/`step=` passed to update(), create() or a model's
constructor, or raw SQL that sets the column.
"""
import ast
import pathlib
import re

import pytest

from tests.test_architecture import APPS, ROOT

# The model and its column; the lower-case names are what code calls a row of it.
GUARDED = {"Registration": "status", "Reaction": "status", "Session": "status", "Certificate": "status",
           "Visit": "step", "HelpRequest": "status"}
TABLES = {"vaccination_registration", "vaccination_reaction", "vaccination_session", "certificates_certificate",
          "vaccination_visit", "vaccination_helprequest"}
# Querysets of guarded rows that selectors hand out.
SELECTORS = {"registration_list", "reaction_list", "session_list", "visit_list", "help_request_list",
             "help_requests_for"}

# (file, function): the services that make the moves (each checks the table, locks, and writes an audit row or a
# registration event).
SERVICES = {
    ("vaccination/services/common.py", "_move_row_objects"),  # registrations_transition, row by row (SQLite)
    ("vaccination/services/dose_writes.py", "_to_vaccinated_sql"),  # the dose: → vaccinated, in SQL
    ("vaccination/services/dose_recording.py", "dose_record"),  # the dose: visit screened → observing, in SQL
    ("vaccination/services/walk_ins.py", "registration_after_dose"),  # a walk-in's course opens as vaccinated
    ("vaccination/services/visit_steps.py", "visit_screen"),
    ("vaccination/services/visit_steps.py", "visit_observe"),
    ("vaccination/services/sessions.py", "session_close"),
    ("vaccination/services/reactions.py", "reaction_follow_up"),
    ("vaccination/services/reactions.py", "help_request_answer"),  # → answered or closed (the missing dose too)
    ("certificates/services.py", "_certificate_supersede"),
    ("certificates/services.py", "certificate_revoke"),
    ("certificates/services.py", "certificates_revoke_for_lot"),
}
# In the apps that own guarded models, the functions that write the status of some other model.
OTHER_MODELS = {
    ("vaccination/imports/links.py", "_decide"),  # LinkRequest
    ("vaccination/imports/services.py", "import_confirm"),  # ImportBatch
    ("certificates/dcc.py", "verify"),  # the verification result, not a Certificate
}
OWNERS = {"vaccination", "certificates"}
WRITES = {"update", "create", "get_or_create", "update_or_create", "bulk_create"}
SQL = re.compile(r"UPDATE\s+(\w+)(?:\s+AS\s+\w+)?\s+SET\b(.*)", re.I | re.S)


def _root(node):
    """The name a chain such as Model.objects.filter(…).update starts from (a called selector counts by name)."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                return node.func.id
            node = node.func
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def writes(source: str) -> list[tuple[int, str, str]]:
    """(line, enclosing function, what) for every write of a guarded status in `source`."""
    found = []

    def walk(node, function, app_owns):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                for target in child.targets if isinstance(child, ast.Assign) else [child.target]:
                    for item in target.elts if isinstance(target, ast.Tuple) else [target]:
                        if isinstance(item, ast.Attribute) and item.attr in ("status", "step"):
                            named = isinstance(item.value, ast.Name) and item.value.id.rstrip("s").replace(
                                "_", "") in {model.lower() for model in GUARDED}
                            if app_owns or named:
                                found.append((child.lineno, function, ast.unparse(item)))
            elif isinstance(child, ast.Call):
                func = child.func
                if isinstance(func, ast.Attribute) and func.attr in WRITES:
                    root = _root(func.value)
                    columns = {GUARDED[root]} if root in GUARDED else {"status", "step"} if root in SELECTORS else set()
                elif isinstance(func, ast.Name) and func.id in GUARDED:
                    columns = {GUARDED[func.id]}
                else:
                    columns = set()
                if columns & {keyword.arg for keyword in child.keywords}:
                    found.append((child.lineno, function, ast.unparse(func)[:60]))
            elif isinstance(child, ast.Constant) and isinstance(child.value, str):
                match = SQL.search(child.value)
                if match and match.group(1) in TABLES and re.search(r"\b(status|step)\s*=", match.group(2)):
                    found.append((child.lineno, function, f"SQL UPDATE {match.group(1)}"))
            walk(child, inner, app_owns)

    walk(ast.parse(source), "", app_owns=False)
    return found


def _owned_writes(source: str) -> list[tuple[int, str, str]]:
    """As `writes`, counting every `.status =` / `.step =` (an app that owns guarded models)."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for child in ast.walk(node):
                if isinstance(child, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                    for target in child.targets if isinstance(child, ast.Assign) else [child.target]:
                        for item in target.elts if isinstance(target, ast.Tuple) else [target]:
                            if isinstance(item, ast.Attribute) and item.attr in ("status", "step"):
                                found.append((child.lineno, node.name, ast.unparse(item)))
    return found


def _files():
    for app in sorted(APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def test_no_status_is_written_outside_its_transition_services():
    wrong = []
    for app, path in _files():
        name, source = str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
        found = set(writes(source)) | (set(_owned_writes(source)) if app in OWNERS else set())
        for line, function, what in sorted(found):
            if (name, function) not in SERVICES | OTHER_MODELS:
                wrong.append(f"{name}:{line} {function or '<module>'}: {what}")
    assert wrong == [], "a status changes outside its services (give it a transition service, or list it)"


@pytest.mark.parametrize("snippet", [
    "def f(reaction):\n    reaction.status = 'closed'\n",
    "def f(s):\n    s.booked, s.status = 1, 'closed'\n",
    "def f(pk):\n    Certificate.objects.filter(pk=pk).update(status='revoked')\n",
    "def f(user):\n    reaction_list(user=user).filter(pk=1).update(status='closed')\n",
    "def f(p):\n    Visit.objects.create(person=p, step='done')\n",
    "def f(c):\n    c.execute(\"UPDATE vaccination_visit SET step = %s WHERE id = %s\", ['done', 1])\n",
    "def f(help_request):\n    help_request.status = 'closed'\n",
    "def f(user):\n    help_request_list(user=user).filter(pk=1).update(status='closed')\n",
    "def f(p):\n    HelpRequest.objects.create(person=p, status='answered')\n",
])
def test_the_scan_sees_each_kind_of_write(snippet):
    assert writes(snippet) or _owned_writes(snippet)


def test_a_help_request_written_from_an_app_that_only_reads_them_is_seen_by_its_name():
    """clinics reads help requests but owns none: there only rows named after a guarded model count."""
    assert writes("def f(help_request):\n    help_request.status = 'closed'\n")
    assert writes("def f(booking):\n    booking.status = 'attended'\n") == []


def test_the_scan_leaves_reads_and_other_models_alone():
    source = ("def f(user, pk):\n    Certificate.objects.filter(status='valid').first()\n"
              "    SmsMessage.objects.filter(pk=pk).update(status='sent')\n    message.status = 'sent'\n")
    assert writes(source) == []


def test_every_listed_service_exists():
    """A renamed or removed service leaves no stale entry that would let its successor's writes through."""
    functions = {}
    for _app, path in _files():
        functions[str(path.relative_to(ROOT))] = {
            node.name for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    missing = [entry for entry in sorted(SERVICES | OTHER_MODELS)
               if (ROOT / entry[0]).exists() and entry[1] not in functions.get(entry[0], set())]
    assert missing == []
