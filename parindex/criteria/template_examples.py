"""What the blank Excel template shows: one example row per rule shape, with the official
wording it serves, and the "Hướng dẫn" sheet explaining how each shape's parameters are written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from parindex.criteria.document import CriterionRow, document_from_data
from parindex.criteria.parameters import JSON_ONLY, SETTINGS, SHAPES, to_text
from parindex.engine.rules import KIND_LABELS, KINDS

# (code, title, max, official wording, rule); areas carry no rule and get the sum of their rows.
AREAS = [
    ("1", "(Ví dụ) Lĩnh vực tính điểm chuẩn", "standard"),
    ("2", "(Ví dụ) Điểm thưởng", "bonus"),
    ("3", "(Ví dụ) Điểm trừ", "penalty"),
]
SCORING = {"survey": "survey", "judgement": "appraiser"}  # who scores the example rows of these kinds
RATIO = {"measure": "ratio", "a_label": "Tổng số nhiệm vụ", "b_label": "Số nhiệm vụ hoàn thành"}
EXAMPLES: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("1.1", "Ban hành kế hoạch CCHC năm", "1", "Ban hành đúng hạn: 1 điểm; chậm hoặc không ban hành: 0 điểm",
     {"kind": "yes_no", "yes": "1", "no": "0"}),
    ("1.2", "Nội dung kế hoạch", "1", "Đúng thời hạn: 0,5\nĐạt yêu cầu nội dung: 0,5",
     {"kind": "checklist", "items": [{"key": "dung_han", "label": "Đúng thời hạn", "points": "0.5"},
                                     {"key": "noi_dung", "label": "Đạt yêu cầu nội dung", "points": "0.5"}]}),
    ("1.3", "Thực hiện kế hoạch", "3", "Hoàn thành từ 85 % trở lên: tỷ lệ % hoàn thành × 3; dưới 85 %: 0",
     {"kind": "ratio_threshold", "threshold": "85", "a_label": "Số nhiệm vụ", "b_label": "Số đã hoàn thành"}),
    ("1.4", "Xử lý văn bản đúng hạn", "1", "100 % văn bản xử lý đúng hạn: 1 điểm; dưới 100 %: 0",
     {"kind": "all_or_nothing", "a_label": "Số văn bản", "b_label": "Số văn bản đúng hạn"}),
    ("1.5", "Tỷ lệ hoàn thành nhiệm vụ", "2", "Trên 90 %: 2 điểm; từ 70 % đến 90 %: 1 điểm; dưới 70 %: 0",
     {"kind": "bands", **RATIO, "bands": [{"above": "90", "points": "2"},
                                          {"at_least": "70", "at_most": "90", "points": "1"}, {"points": "0"}]}),
    ("1.6", "Thời gian giải quyết hồ sơ", "1", "Chậm đến 2 tháng: 1 điểm; từ trên 2 đến 2,5 tháng: 0,5; "
     "trên 2,5 tháng: 0",
     {"kind": "bands", "measure": "delay_months", "bands": [{"at_most": "2", "points": "1"},
                                                            {"at_most": "2.5", "points": "0.5"}, {"points": "0"}]}),
    ("1.7", "Sáng kiến cải cách hành chính", "2", "Từ 3 sáng kiến trở lên: 2 điểm; 1–2 sáng kiến: 1; không có: 0",
     {"kind": "count_bands", "bands": [{"at_least": "3", "points": "2"}, {"at_least": "1", "points": "1"},
                                       {"points": "0"}]}),
    ("1.8", "Xây dựng đề án", "2", "Đã ban hành: 2 điểm; đã trình: 1 điểm; chưa trình: 0",
     {"kind": "stages", "stages": [{"key": "da_trinh", "label": "Đã trình", "points": "1"},
                                   {"key": "ban_hanh", "label": "Đã ban hành", "points": "2"}]}),
    ("1.9", "Chất lượng báo cáo", "2", "Tốt: 100 % số điểm; Khá: 75 %; Trung bình: 50 %",
     {"kind": "grade", "grades": [{"key": "tot", "label": "Tốt", "percent": "100"},
                                  {"key": "kha", "label": "Khá", "percent": "75"},
                                  {"key": "tb", "label": "Trung bình", "percent": "50"}]}),
    ("1.10", "Văn bản ban hành đúng quy định", "2", "Mỗi văn bản trái quy định trừ 0,5 điểm, thấp nhất 0",
     {"kind": "deduction", "per_violation": "0.5", "floor": "0"}),
    ("1.11", "Thu hút đầu tư so với năm trước", "1", "Tăng so với năm trước: 1 điểm; không tăng: 0",
     {"kind": "comparison", "unit": "points", "bands": [{"above": "0", "points": "1"}, {"points": "0"}]}),
    ("1.12", "Mức độ hài lòng của người dân", "2", "Tỷ lệ hài lòng × 2 điểm",
     {"kind": "survey", "mode": "share", "source": "sipas"}),
    ("1.13", "Chất lượng tham mưu", "1", "Hội đồng thẩm định chấm theo mức độ hoàn thành", {"kind": "judgement"}),
    ("1.19", "Sáng kiến, cách làm mới", "6", "Sáng kiến cải tiến: tối đa 3 điểm; sáng kiến tiên phong: tối đa 6 điểm",
     {"kind": "judgement", "categories": [{"key": "cai_tien", "label": "Cải tiến", "max": "3"},
                                          {"key": "tien_phong", "label": "Tiên phong", "max": "6"}]}),
    ("1.14", "Tuyên truyền CCHC", "1", "Có kế hoạch: 0,5; tổ chức thực hiện từ 80 % trở lên: 0,5",
     {"kind": "composite", "parts": [{"key": "ke_hoach", "label": "Có kế hoạch", "max": "0.5",
                                      "rule": {"kind": "yes_no"}},
                                     {"key": "thuc_hien", "label": "Thực hiện", "max": "0.5",
                                      "rule": {"kind": "ratio_threshold", "threshold": "80"}}]}),
    ("1.15", "Giải quyết khiếu nại", "1", "Trường hợp không phát sinh khiếu nại: không tính điểm tiêu chí này",
     {"kind": "not_applicable", "substitute": None, "rule": {"kind": "ratio_threshold", "threshold": "100"}}),
    ("1.16", "Khắc phục sau thanh tra", "1", "Không phát hiện sai phạm: 1 điểm; có sai phạm: theo tỷ lệ khắc phục",
     {"kind": "nothing_found", "points": "1", "rule": {"kind": "ratio_threshold", "threshold": "0"}}),
    ("1.17", "Số hoá hồ sơ", "6", "Từ 80 %: 6 điểm; từ 50 % đến dưới 80 %: (tỷ lệ / 80 %) × 6; dưới 50 %: 0",
     {"kind": "formula", "measure": "ratio", "cases": [{"when": "ty_le >= 80", "points": "6"},
                                                       {"when": "ty_le >= 50", "points": "ty_le / 80 * 6"},
                                                       {"points": "0"}]}),
    ("1.18", "Kế hoạch kiểm tra", "1", "Chưa ban hành kế hoạch: 0; đã ban hành: 100 % hoàn thành: 1, "
     "dưới 100 %: 0,5",
     {"kind": "condition", "on": {"input": "ban_hanh", "label": "Đã ban hành kế hoạch", "type": "bool"},
      "branches": [{"when": False, "points": "0"},
                   {"when": True, "rule": {"kind": "bands", "measure": "ratio",
                                           "bands": [{"at_least": "100", "points": "1"}, {"points": "0.5"}]}}]}),
    ("2.1", "Nhiệm vụ vượt tiến độ", "2", "Mỗi nhiệm vụ vượt tiến độ: +0,5; mỗi nhiệm vụ chậm: −0,5; tối đa 2",
     {"kind": "bonus_penalty", "bonus_per_item": "0.5", "penalty_per_item": "0.5", "cap": "2"}),
    ("3.1", "Báo cáo chậm", "0", "Chậm đến 2 ngày: −1; từ ngày thứ 3 mỗi ngày −1; tối đa −5",
     {"kind": "late_penalty", "measure": "delay_days", "steps": [{"at_most": "2", "points": "-1"}],
      "then_per_unit": "-1", "cap": "-5"}),
    ("3.2", "Để xảy ra sai phạm", "0", "Để xảy ra sai phạm bị xử lý kỷ luật: −0,5 điểm",
     {"kind": "fixed_penalty", "points": "-0.5", "label": "Có sai phạm bị xử lý kỷ luật"}),
]  # fmt: skip


def rows() -> list[CriterionRow]:
    criteria = []
    for code, title, area in AREAS:
        mine = [e for e in EXAMPLES if e[0].split(".")[0] == code]
        total = sum((Decimal(e[2]) for e in mine), Decimal(0))
        criteria.append(
            {"code": code, "title": title, "max": str(total), "area": area, "signed": area != "standard",
             "stated": {"criteria": len(mine), "total": str(total)}}
        )  # fmt: skip
        criteria += [
            {"code": f"{code}.{n}", "title": t, "max": m, "rule_text": text, "rule": r,
             "scoring": SCORING.get(r["kind"], "self")}
            for n, (_, t, m, text, r) in enumerate(mine, start=1)
        ]  # fmt: skip
    return document_from_data({"set": {}, "criteria": criteria}).rows


# --- the guide -----------------------------------------------------------------------------

WORDING = {  # the official wording each shape serves, and what the coordinator enters when scoring
    "yes_no": "“Có/đạt: x điểm; không: 0”",
    "checklist": "Liệt kê nội dung, mỗi nội dung đạt được cộng điểm riêng",
    "ratio_threshold": "“Đạt từ X % trở lên: tỷ lệ % × điểm tối đa; dưới X %: 0”",
    "all_or_nothing": "“100 % … đúng hạn: x điểm; dưới 100 %: 0”",
    "bands": "“Trên 90 %: 2; từ 70 % đến 90 %: 1; dưới 70 %: 0”, hoặc theo số ngày/tháng chậm",
    "count_bands": "“Có từ 3 … trở lên: 2 điểm; 1–2 …: 1 điểm”",
    "stages": "Các bước nối tiếp: “đã trình: 1; đã ban hành: 2” (có thể âm: “trừ từ 30 % trở lên: −3”)",
    "grade": "“Tốt: 100 % số điểm; Khá: 75 %; …”",
    "deduction": "“Mỗi vi phạm trừ x điểm”",
    "bonus_penalty": "“Mỗi việc … cộng x; mỗi việc … trừ y; tối đa z”",
    "comparison": "“Tăng so với năm trước: +1; giảm: −1”",
    "survey": "Chỉ số hài lòng từ điều tra xã hội học (SIPAS)",
    "judgement": "Hội đồng/thẩm định viên chấm từ 0 đến điểm tối đa; hoặc theo loại, mỗi loại một mức "
    "tối đa: “cải tiến: tối đa 3; tiên phong: tối đa 6” (chọn loại rồi chấm điểm)",
    "composite": "Một tiêu chí gồm nhiều phần chấm khác nhau",
    "not_applicable": "“Trường hợp không phát sinh …: không tính / được x điểm”",
    "nothing_found": "“Không phát hiện vi phạm …: được x điểm”",
    "formula": "“Từ 50 % đến dưới 80 %: (tỷ lệ / 80 %) × 6”",
    "condition": "“Nếu chưa ban hành kế hoạch: …; nếu đã ban hành: …”",
    "late_penalty": "“Chậm đến 2 ngày: −1; từ ngày thứ 3 mỗi ngày −1”",
    "fixed_penalty": "“Để xảy ra … bị xử lý: −0,5 điểm” (tiêu chí có điểm tối đa 0)",
}
GENERAL = [
    (
        "Cách dùng",
        "Ghi thông tin bộ tiêu chí ở dòng 2 và mỗi tiêu chí một dòng từ dòng 5 (xoá các dòng ví dụ). "
        "Mã theo số thứ tự của văn bản: 1, 1.1, 1.1.2 (có thể I, II hoặc a, b). Tiêu chí cha là tiêu chí có mã là "
        "phần đầu dài nhất của mã: 1.1.2 thuộc 1.1.",
    ),
    ("Số", "Viết 0,5 hoặc 0.5; số âm −1 hoặc -1."),
    ("Vùng điểm", "Chỉ cho lĩnh vực (cấp 1): chuẩn (tính vào mẫu số), thưởng, trừ (không tính vào mẫu số)."),
    ("Cách chấm", "tự chấm; điều tra XHH; thẩm định (chỉ hội đồng chấm)."),
    (
        "Làm tròn",
        "Để trống hoặc “không làm tròn”: giữ nguyên điểm; “2 chữ số thập phân, từng tiêu chí” hoặc "
        "“2 chữ số thập phân, tổng điểm”.",
    ),
    ("Xếp loại", "Mỗi dòng một mức: “từ 90: Tốt”, “từ 80: Khá”, “còn lại: Yếu”."),
    (
        "Số nêu trong văn bản",
        "Số tiêu chí, tổng điểm mà văn bản nêu ở tiêu đề: được so với các dòng, mọi chỗ "
        "khác nhau được báo, không tự sửa. Cấp bộ: số tiêu chí ngay dưới các lĩnh vực; cấp lĩnh vực: số tiêu chí con.",
    ),
    (
        "Tham số",
        "Mỗi dòng trong ô (Alt+Enter để xuống dòng) là một thiết lập “tên: giá trị” hoặc một mức. "
        "Mức: “trên X: điểm”, “từ X: điểm”, “đến Y: điểm”, “dưới Y: điểm”, “từ X đến Y: điểm”, "
        "“từ X đến dưới Y: điểm”, “còn lại: điểm”; X, Y có thể kèm %, ngày, tháng. Mức đầu tiên khớp được tính. "
        "Nội dung/giai đoạn: “[mã] Tên: điểm” (mã không dấu, dùng để lưu kết quả chấm; bỏ trống thì m1, m2…).",
    ),
    (
        "JSON",
        "Ô “Tham số” bắt đầu bằng “{” được đọc là JSON như trong tệp YAML (bắt buộc với loại có quy tắc "
        "lồng bên trong: composite, not_applicable, nothing_found, formula, condition).",
    ),
]
GUIDE_TABLE_ROW = len(GENERAL) + 3
JSON_HOW = {  # the kinds whose "Tham số" cell is JSON: what its keys are
    "formula": "JSON: “measure”: “ratio” (biến ty_le = b/a × 100, a, b), “percent” (ty_le) hoặc “number” "
    "(value); “inputs”: [{“key”, “label”, “type”: number/integer/percent}] nếu cần thêm số liệu; “cases”: "
    "[{“when”: điều kiện, “points”: biểu thức}, …, {“points”: …} = còn lại]. Trường hợp đầu tiên đúng được tính. "
    "Biểu thức: + − * /, so sánh < <= > >= == !=, and, or, not, min(…), max(…), round(x, n), abs(x); số viết "
    "dấu chấm (0.5), phần trăm viết số (80 chứ không 80 %).",
    "condition": "JSON: “on”: {“input”: mã, “label”: tên, “type”: “bool” hoặc “choice” với “choices”: "
    "[{“key”, “label”}]} hoặc {“criterion”: mã tiêu chí khác}; “branches”: [{“when”: true/false, mã lựa chọn "
    "hoặc mức điểm {“at_least”: x, …}, và “rule”: quy tắc lồng hoặc “points”: điểm}]; “otherwise”: quy tắc "
    "hoặc null (= 0 điểm).",
    "composite": "JSON: “parts”: [{“key”, “label”, “max”, “rule”: quy tắc của phần}]; điểm là tổng các phần.",
    "not_applicable": "JSON: “rule”: quy tắc khi có phát sinh; “substitute”: điểm được khi không phát sinh, "
    "hoặc null (không tính, chỉ số quy đổi lại).",
    "nothing_found": "JSON: “rule”: quy tắc khi có phát hiện; “points”: điểm khi không phát hiện gì.",
}


def guide_rows() -> list[list[str]]:
    lines: list[list[str]] = [["Hướng dẫn nhập bộ tiêu chí"]]
    lines += [[name, text] for name, text in GENERAL]
    lines.append([])
    lines.append(["Loại quy tắc", "Văn bản thường viết", "Cách ghi tham số", "Ví dụ ô “Tham số”"])
    example_of = {rule["kind"]: rule for *_, rule in EXAMPLES}
    for kind in KINDS:
        shape = SHAPES.get(kind)
        if kind in JSON_ONLY or shape is None:
            how = JSON_HOW.get(kind, "JSON {…} (xem FORMAT.md).")
        else:
            settings = "; ".join(f"“{SETTINGS[k].name}: …”" for k in shape.settings)
            listed = {"bounds": "các mức “… : điểm”", "keyed": "các dòng “[mã] Tên: điểm”"}.get(shape.list_style, "")
            if shape.value_key == "percent":
                listed = "các dòng “[mã] Tên: phần trăm”"
            if shape.value_word:
                listed = f"(không bắt buộc) các dòng “[mã] Loại: {shape.value_word} điểm”"
            how = "; ".join(x for x in (settings, listed) if x) or "Không có tham số."
        lines.append([f"{kind}\n({KIND_LABELS.get(kind, '')})", WORDING.get(kind, ""), how,
                      to_text(example_of.get(kind))])  # fmt: skip
    return lines
