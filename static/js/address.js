// Province → district → ward selects that follow each other. Without JavaScript the form still works.
(function () {
  var form = document.querySelector("form[data-units-url]");
  if (!form) return;
  var url = form.getAttribute("data-units-url");
  var province = form.querySelector("select[name=province]");
  var district = form.querySelector("select[name=district]");
  var ward = form.querySelector("select[name=ward]");
  function fill(select, parentId) {
    var placeholder = select.options.length ? select.options[0].text : "---------";
    select.innerHTML = "";
    select.appendChild(new Option(placeholder, ""));
    if (!parentId) return Promise.resolve();
    return fetch(url.replace("/0/", "/" + parentId + "/"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        data.units.forEach(function (unit) { select.appendChild(new Option(unit.name, unit.id)); });
      });
  }
  province.addEventListener("change", function () { fill(district, province.value); fill(ward, ""); });
  district.addEventListener("change", function () { fill(ward, district.value); });
})();
