// Province → district → ward selects that follow each other (the profile, a registration, an organisation).
// Without JavaScript the form still works: saving with a province chosen brings back its districts, and so on.
(function () {
  var form = document.querySelector("form[data-units-url]");
  if (!form) return;
  var url = form.getAttribute("data-units-url");
  var province = form.querySelector("select[name=province]");
  var district = form.querySelector("select[name=district]");
  var ward = form.querySelector("select[name=ward]");
  function fill(select, parentId) {
    if (!select) return Promise.resolve();
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
  // A registration picks only the district and ward (its province is the person's own).
  if (province) province.addEventListener("change", function () { fill(district, province.value); fill(ward, ""); });
  if (district) district.addEventListener("change", function () { fill(ward, district.value); });
})();
