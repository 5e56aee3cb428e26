// A request that htmx could not complete must never look like "nothing happened".
(function () {
  function show(text) {
    var box = document.getElementById("htmx-error");
    if (!box) return;
    box.querySelector("[data-text]").textContent = text;
    box.classList.remove("d-none");
    box.classList.add("alert-danger");
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status === 403) show("Bạn không có quyền thực hiện thao tác này, hoặc phiên đăng nhập đã hết hạn. Hãy tải lại trang.");
    else if (status === 400) show("Dữ liệu gửi lên không hợp lệ: " + (event.detail.xhr.responseText || "").slice(0, 200));
    else show("Máy chủ gặp lỗi (" + status + "). Thay đổi chưa được lưu; hãy thử lại.");
  });
  document.addEventListener("htmx:sendError", function () {
    show("Không kết nối được máy chủ. Thay đổi chưa được lưu; hãy kiểm tra mạng và thử lại.");
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("htmx-error");
    if (box) box.classList.add("d-none");
    if (box) box.classList.remove("alert-danger");
  });
})();

// Behaviour that used to sit in inline handlers, which the Content-Security-Policy forbids:
// <select data-autosubmit> submits its form, [data-dismiss-parent] hides its parent,
// <form data-confirm="…"> asks before it is sent.
(function () {
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.submit();
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss-parent]");
    if (button) button.parentElement.classList.add("d-none");
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
})();

// The assignment matrix (criteria/assignment_matrix.html): each cell holds a letter, and the one
// picker of the page (<template id="role-picker">) is cloned into the cell that is clicked, instead
// of a <select> with every option in each of ~900 cells. The picker's test id and label move with
// it, and `data-saved` keeps the role the server last confirmed, which the cell shows when the
// picker closes. Without this script, each row's pencil opens the row as plain forms.
(function () {
  var ROLE_CLASSES = { lead: ["border-primary", "fw-semibold"], coordinating: ["border-info"] };
  var current = null;

  function abbreviation(role) {
    var key = role && document.querySelector('[data-testid="matrix-legend"] [data-role="' + role + '"]');
    return key ? key.textContent : "";
  }
  function roleName(role) {
    var template = document.getElementById("role-picker");
    var option = role && template && template.content.querySelector('option[value="' + role + '"]');
    return option ? option.textContent : "";
  }
  function roleOf(cell) {
    if (cell.classList.contains("mx-lead")) return "lead";
    return cell.classList.contains("mx-coordinating") ? "coordinating" : "";
  }
  function header(cell) {
    return cell.closest("table").tHead.rows[0].cells[cell.cellIndex];
  }
  function label(cell) {
    return cell.parentElement.dataset.code + " – " + header(cell).title;
  }
  function show(cell, role, testid) {
    cell.className = role ? "mx-" + role : "";
    cell.textContent = abbreviation(role);
    if (!role) { // the assignment, and the official named on it, are gone
      delete cell.dataset.official;
      cell.removeAttribute("title");
    }
    var official = cell.dataset.official || "";
    if (official) {
      var icon = document.createElement("i");
      icon.className = "bi bi-person-fill ms-1";
      icon.setAttribute("aria-hidden", "true");
      cell.appendChild(icon);
    }
    cell.dataset.testid = testid;
    cell.tabIndex = 0;
    cell.setAttribute("role", "button");
    cell.setAttribute("aria-label", label(cell) + (role ? ": " + roleName(role) : "") +
      (official ? ", người phụ trách " + official : ""));
  }
  function close() {
    var cell = current;
    current = null;
    var select = cell && cell.querySelector("select");
    if (!select || cell.querySelector(".htmx-request")) return; // a save in flight keeps its picker
    show(cell, select.dataset.saved || "", select.dataset.testid);
  }
  function open(cell) {
    var template = document.getElementById("role-picker");
    if (!template || typeof htmx === "undefined") return;
    if (current) close();
    var form = template.content.firstElementChild.cloneNode(true);
    var select = form.elements.role;
    var role = roleOf(cell);
    form.elements.criterion.value = cell.parentElement.dataset.criterion;
    form.elements.unit.value = header(cell).dataset.unit;
    select.value = role;
    select.dataset.saved = role;
    select.dataset.testid = cell.dataset.testid;
    select.setAttribute("aria-label", label(cell));
    (ROLE_CLASSES[role] || []).forEach(function (name) { select.classList.add(name); });
    cell.removeAttribute("data-testid");
    cell.removeAttribute("role");
    cell.removeAttribute("aria-label");
    cell.removeAttribute("tabindex");
    cell.className = "p-1";
    cell.replaceChildren(form);
    htmx.process(form);
    current = cell;
    select.focus();
  }

  document.querySelectorAll("table[data-matrix] td[data-testid]").forEach(function (cell) {
    show(cell, roleOf(cell), cell.dataset.testid);
  });
  document.addEventListener("click", function (event) {
    var cell = event.target.closest("table[data-matrix] td[data-testid]");
    if (cell) open(cell);
  });
  document.addEventListener("keydown", function (event) {
    var cell = event.target.closest && event.target.closest("table[data-matrix] td[data-testid]");
    if (cell && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      open(cell);
    } else if (event.key === "Escape" && current && current.contains(event.target)) {
      var cellToFocus = current;
      close();
      cellToFocus.focus();
    }
  });
  // A refused save leaves the picker on the role the server still holds.
  document.addEventListener("htmx:responseError", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("table[data-matrix] form");
    if (form) form.elements.role.value = form.elements.role.dataset.saved || "";
  });
})();
