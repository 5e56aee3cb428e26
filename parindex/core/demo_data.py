"""Demo organizations and users, taken from the departments named in ../shared/seeds/.

Organizations: (code, kind, name, short name, parent code). All exist from FIRST_DEMO_YEAR.
"""

from __future__ import annotations

FIRST_DEMO_YEAR = 2019
DEMO_PASSWORD = "Demo@2024"

ORGANIZATIONS: list[tuple[str, str, str, str, str | None]] = [
    # Seed 000: Bình Phước, Sở Tài nguyên và Môi trường, and the appraising Sở Nội vụ.
    ("bp", "province", "Tỉnh Bình Phước", "UBND tỉnh", None),
    ("bp-snv", "department", "Sở Nội vụ tỉnh Bình Phước", "SNV", "bp"),
    ("bp-stnmt", "department", "Sở Tài nguyên và Môi trường tỉnh Bình Phước", "STNMT", "bp"),
    ("bp-stnmt-vp", "unit", "Văn phòng Sở", "VP", "bp-stnmt"),
    ("bp-stnmt-tt", "unit", "Phòng Thanh tra", "Thanh tra Sở", "bp-stnmt"),
    ("bp-stnmt-vpdkdd", "unit", "Văn phòng Đăng ký đất đai", "VPĐKĐĐ", "bp-stnmt"),
    ("bp-stnmt-ttqt", "unit", "Trung tâm Quan trắc Tài nguyên và Môi trường", "TTQT TN&MT", "bp-stnmt"),
    ("bp-stnmt-quy", "unit", "Quỹ Bảo vệ môi trường", "Quỹ BVMT", "bp-stnmt"),
    ("bp-stnmt-ccbvmt", "unit", "Chi cục Bảo vệ môi trường", "CCBVMT", "bp-stnmt"),
    ("bp-stnmt-ccqldd", "unit", "Chi cục Quản lý đất đai", "CCQLĐĐ", "bp-stnmt"),
    ("bp-stnmt-tnnks", "unit", "Phòng Tài nguyên nước – Khoáng sản", "P.TNN-KS", "bp-stnmt"),
    ("bp-stnmt-motcua", "unit", "Bộ phận một cửa", "BPMC", "bp-stnmt"),
    # Seed 001: Quảng Bình, Sở Tài nguyên và Môi trường.
    ("qb", "province", "Tỉnh Quảng Bình", "UBND tỉnh", None),
    ("qb-stnmt", "department", "Sở Tài nguyên và Môi trường tỉnh Quảng Bình", "STNMT", "qb"),
    ("qb-stnmt-vp", "unit", "Văn phòng Sở", "VP", "qb-stnmt"),
    ("qb-stnmt-khtc", "unit", "Phòng Kế hoạch - Tài chính", "P.KHTC", "qb-stnmt"),
    ("qb-stnmt-tt", "unit", "Thanh tra Sở", "TTr", "qb-stnmt"),
    ("qb-stnmt-vpdkdd", "unit", "Văn phòng Đăng ký đất đai", "VPĐKĐĐ", "qb-stnmt"),
    ("qb-stnmt-ttcntt", "unit", "Trung tâm Công nghệ thông tin", "TT CNTT", "qb-stnmt"),
    # Seed 002: Khánh Hòa, Sở Tài nguyên và Môi trường.
    ("kh", "province", "Tỉnh Khánh Hòa", "UBND tỉnh", None),
    ("kh-stnmt", "department", "Sở Tài nguyên và Môi trường tỉnh Khánh Hòa", "STNMT", "kh"),
    ("kh-stnmt-vp", "unit", "Văn phòng Sở", "VP", "kh-stnmt"),
    ("kh-stnmt-tt", "unit", "Thanh tra Sở", "TTr", "kh-stnmt"),
    ("kh-stnmt-vpdkdd", "unit", "Văn phòng Đăng ký đất đai", "VPĐKĐĐ", "kh-stnmt"),
    (
        "kh-stnmt-ttcntt",
        "unit",
        "Trung tâm Công nghệ thông tin Tài nguyên và Môi trường",
        "TT CNTT TNMT",
        "kh-stnmt",
    ),
    # Seed 004: Đồng Nai, Sở Công Thương.
    ("dn", "province", "Tỉnh Đồng Nai", "UBND tỉnh", None),
    ("dn-snv", "department", "Sở Nội vụ tỉnh Đồng Nai", "SNV", "dn"),
    ("dn-sct", "department", "Sở Công Thương tỉnh Đồng Nai", "SCT", "dn"),
    ("dn-sct-vp", "unit", "Văn phòng", "VP", "dn-sct"),
    ("dn-sct-tt", "unit", "Thanh tra Sở", "TTr", "dn-sct"),
    ("dn-sct-khtcth", "unit", "Phòng Kế hoạch - Tài chính - Tổng hợp", "P.KHTCTH", "dn-sct"),
    ("dn-sct-qltm", "unit", "Phòng Quản lý Thương mại", "P.QLTM", "dn-sct"),
    ("dn-sct-qlcn", "unit", "Phòng Quản lý Công nghiệp", "P.QLCN", "dn-sct"),
    ("dn-sct-ktnl", "unit", "Phòng Kỹ thuật – Quản lý năng lượng", "P.KT-QLNL", "dn-sct"),
    # Not in the seeds: two more departments of the province, so the demo round ranks three.
    ("dn-stc", "department", "Sở Tài chính tỉnh Đồng Nai", "STC", "dn"),
    ("dn-sxd", "department", "Sở Xây dựng tỉnh Đồng Nai", "SXD", "dn"),
]

# Unit types, as the seeds group them: seed 000 names VPĐKĐĐ, TTQT TN&MT and Quỹ BVMT together
# wherever it means its đơn vị sự nghiệp (5.3, 6.1.2, 6.3.2); units not listed are offices.
UNIT_TYPES: dict[str, str] = {
    "bp-stnmt-vpdkdd": "public_service",
    "bp-stnmt-ttqt": "public_service",
    "bp-stnmt-quy": "public_service",
    "bp-stnmt-ccbvmt": "branch",
    "bp-stnmt-ccqldd": "branch",
    "bp-stnmt-motcua": "desk",
    "qb-stnmt-vpdkdd": "public_service",
    "qb-stnmt-ttcntt": "public_service",
    "kh-stnmt-vpdkdd": "public_service",
    "kh-stnmt-ttcntt": "public_service",
}

# Sở Nội vụ of each province appraises that province's other departments (and never itself).
APPRAISING_BODIES = ["bp-snv", "dn-snv"]

# The 2025 reorganisation merged Sở TN&MT into the new Sở Nông nghiệp và Môi trường: shown
# as a rename from 2025 so the tree of 2024 and earlier keeps the old name.
RENAMES: list[tuple[str, int, str, str, str]] = [
    (
        "bp-stnmt",
        2025,
        "Sở Nông nghiệp và Môi trường tỉnh Bình Phước",
        "SNNMT",
        "Sắp xếp tổ chức bộ máy năm 2025: hợp nhất Sở TN&MT và Sở NN&PTNT.",
    ),
]

# (username, full name, [(organization code, role)])
USERS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("admin", "Nguyễn Văn Quản", [("bp-stnmt", "admin")]),
    ("vanphong", "Trần Thị Hoa", [("bp-stnmt", "coordinator"), ("bp-stnmt-vp", "staff")]),
    ("lanhdao", "Lê Văn Minh", [("bp-stnmt", "leader")]),
    ("truongphong", "Phạm Thị Lan", [("bp-stnmt-tt", "unit_head")]),
    ("chuyenvien", "Hoàng Văn Nam", [("bp-stnmt-tt", "staff")]),
    ("thamdinh", "Đỗ Thị Mai", [("bp-snv", "appraiser")]),
    # Sở Nội vụ's own admin: the one (with a province admin) who may give the appraiser role.
    ("bp.snv.admin", "Phan Thị Hằng", [("bp-snv", "admin")]),
    # Đồng Nai: the one seed with a complete 100-point set, so the assessment demo happens there.
    ("dn.admin", "Trịnh Văn Long", [("dn-sct", "admin")]),
    ("dn.vanphong", "Vũ Thị Thu", [("dn-sct", "coordinator"), ("dn-sct-vp", "staff")]),
    ("dn.truongphong", "Ngô Văn Hải", [("dn-sct-vp", "unit_head")]),
    # A second unit and a plain staff member, so the permission tests can tell units and roles apart.
    ("dn.chuyenvien", "Đặng Thị Ngọc", [("dn-sct-vp", "staff")]),
    ("dn.thanhtra", "Lý Văn Phúc", [("dn-sct-tt", "unit_head")]),
    ("dn.thamdinh", "Bùi Thị Hạnh", [("dn-snv", "appraiser")]),
]

# One demo user per role, for the README and the tests.
USER_BY_ROLE = {
    "admin": "admin",
    "coordinator": "vanphong",
    "leader": "lanhdao",
    "unit_head": "truongphong",
    "staff": "chuyenvien",
    "appraiser": "thamdinh",
}
