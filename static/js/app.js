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
