"""axe-core on every page a journey visits.

A page is checked once per loaded document, at the moment the journey is about to act on it (click, fill,
go elsewhere…) or when its browser context closes: then the document has loaded and nothing is changing it,
so the check is the same on every run. A marker on `window` says the document was checked; a new document
(a link followed, a form posted, a redirect) has none and is checked in its turn.

axe-core comes from the pinned `axe-playwright-python` package (no CDN) and is injected through Playwright's
evaluate, which the Content-Security-Policy does not govern; the page's own policy stays in force, and
conftest's refusal watcher still fails a journey if anything inline is refused.
"""
import functools

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Error, Locator, Page

# What fails a journey: a person using a screen reader, a keyboard or weak sight is stopped or misled.
BLOCKING_IMPACTS = ("serious", "critical")

_RUN = """async (impacts) => {
  if (window.__axeChecked || document.contentType !== "text/html") return null;
  window.__axeChecked = true;
  const results = await axe.run(document, {resultTypes: ["violations", "incomplete"]});
  // axe leaves text with a 1:1 contrast ratio "to review", as if it might be meant to be hidden; on our pages it
  // is a control nobody can see (white on white), so it counts as the contrast violation it is.
  const invisible = results.incomplete.filter((v) => v.id === "color-contrast").map((v) => ({...v, nodes:
    v.nodes.filter((n) => n.any.some((check) => check.data && check.data.messageKey === "equalRatio"))}))
    .filter((v) => v.nodes.length);
  return results.violations.concat(invisible).filter((v) => impacts.includes(v.impact)).map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " " + n.html.slice(0, 160) + " — "
                                    + (n.failureSummary || "").replace(/\\s+/g, " ")),
  }));
}"""

violations: list[str] = []
checked_urls: list[str] = []

_LOCATOR_ACTIONS = ("click", "dblclick", "fill", "check", "uncheck", "set_checked", "select_option",
                    "set_input_files", "press", "press_sequentially", "type", "tap", "clear")
_PAGE_ACTIONS = ("goto", "reload", "go_back", "go_forward", "click", "fill", "check", "select_option",
                 "set_input_files", "press", "type")


def check(page: Page) -> None:
    """Runs axe on the page's current document unless it was already checked."""
    if page.is_closed() or not page.url.startswith("http"):
        return
    for attempt in (1, 2):
        try:
            page.wait_for_load_state("load")
            if not page.evaluate("() => typeof window.axe === 'object'"):
                page.evaluate(AXE_SCRIPT)
            found = page.evaluate(_RUN, list(BLOCKING_IMPACTS))
            break
        except Error as error:
            # A navigation started meanwhile: the document that replaces this one is checked in its turn.
            if attempt == 2 or "context was destroyed" not in str(error):
                raise
    if found is None:
        return
    checked_urls.append(page.url)
    for violation in found:
        violations.append(f"{page.url} [{violation['impact']}] {violation['id']}: {violation['help']}\n    "
                          + "\n    ".join(violation["nodes"]))


def _before(method, page_of):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        check(page_of(self))
        return method(self, *args, **kwargs)
    wrapper.__axe_original__ = method
    return wrapper


def install() -> None:
    """Checks the current document before every action a journey takes on a page or a locator."""
    for cls, names, page_of in ((Locator, _LOCATOR_ACTIONS, lambda locator: locator.page),
                                (Page, _PAGE_ACTIONS, lambda page: page)):
        for name in names:
            method = getattr(cls, name)
            if not hasattr(method, "__axe_original__"):
                setattr(cls, name, _before(method, page_of))


def uninstall() -> None:
    for cls, names in ((Locator, _LOCATOR_ACTIONS), (Page, _PAGE_ACTIONS)):
        for name in names:
            method = getattr(cls, name)
            setattr(cls, name, getattr(method, "__axe_original__", method))


_open_contexts: list = []


def watch(context) -> None:
    """The last document of each page is checked before its context closes (or when the journey ends)."""
    close = context.close
    _open_contexts.append(context)

    def checked_close(*args, **kwargs):
        for page in context.pages:
            check(page)
        _open_contexts.remove(context)
        return close(*args, **kwargs)

    context.close = checked_close


def check_open_contexts() -> None:
    """A journey that leaves its own context open still has its last page checked."""
    for context in list(_open_contexts):
        context.close()
