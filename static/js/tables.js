// A table wider than the screen scrolls sideways inside its .table-wrap; a keyboard reaches that scroll only if
// the wrapper can take focus, so each wrapper that overflows becomes a named, focusable region (WCAG 2.1.1).
(function () {
  function heading(wrap) {
    var section = wrap.closest("section, main");
    var title = section && section.querySelector("h1, h2, h3");
    return title ? title.textContent.trim() : "";
  }
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        var name = heading(wrap);
        if (name) { wrap.setAttribute("role", "region"); wrap.setAttribute("aria-label", name); }
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex"); wrap.removeAttribute("role"); wrap.removeAttribute("aria-label");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();
