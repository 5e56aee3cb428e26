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
