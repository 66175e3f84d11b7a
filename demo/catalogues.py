"""The demo's catalogues: the provinces it covers, each kind of issuer's mix of document types, titles, topics
and agencies. Plain data, read by `demo.generators`."""
from __future__ import annotations

from itertools import accumulate

from meetings.choices import Category
from reform.choices import Block

DEFAULT_YEARS = (2024, 2025, 2026)
SMALL_PROVINCES = ("01", "46", "12")  # Hà Nội (a big city), Huế (a mid-size city), Lai Châu (a mountain province)
AGENCY_PROVINCES_NATIONAL = ("01", "79", "46", "12", "31", "48")

# Document mixes of each kind of issuer: (type code, weight). `CV` is an official letter.
STATE_MIX = [
    ("QĐ", 28), ("CV", 34), ("KH", 7), ("BC", 9), ("TB", 6), ("TTr", 4), ("GM", 4), ("HD", 2), ("CT", 1),
    ("CĐ", 1), ("ĐA", 1), ("PA", 1), ("QC", 0.5), ("QyĐ", 0.5), ("BB", 1),
]
PARTY_MIX = [
    ("NQ", 5), ("QĐ", 10), ("CT", 2), ("KL", 6), ("QyĐ", 1), ("QC", 1), ("TB", 12), ("HD", 4), ("KH", 8),
    ("CTr", 2), ("BC", 14), ("CV", 30), ("BB", 3), ("ĐA", 1), ("TTr", 1),
]
ELECTED_MIX = [("NQ", 40), ("BC", 25), ("TB", 10), ("TTr", 5), ("KH", 10), ("CV", 10)]
MIXES = {"state": STATE_MIX, "party": PARTY_MIX, "elected": ELECTED_MIX}
_MIX_CODES = {group: [code for code, _ in mix] for group, mix in MIXES.items()}
_MIX_CUM = {group: list(accumulate(weight for _, weight in mix)) for group, mix in MIXES.items()}
LETTER_DEPARTMENTS = ("VP", "KT", "KGVX", "NC", "TH", "NV", "TCKH", "ĐT")

TYPE_TITLES = {
    "NQ": "Nghị quyết về", "QĐ": "Quyết định về việc", "CT": "Chỉ thị về", "KL": "Kết luận về",
    "QC": "Quy chế", "QyĐ": "Quy định về", "TB": "Thông báo về", "HD": "Hướng dẫn", "KH": "Kế hoạch",
    "CTr": "Chương trình", "ĐA": "Đề án", "PA": "Phương án", "BC": "Báo cáo", "BB": "Biên bản",
    "TTr": "Tờ trình về", "CV": "V/v", "CĐ": "Công điện về", "GM": "Giấy mời dự",
}
TOPICS = (
    "thực hiện Kết luận số 226-KL/TW về chấn chỉnh lề lối làm việc", "chuyển đổi số và xây dựng chính quyền số năm {y}",
    "cải cách thủ tục hành chính năm {y}", "dự toán ngân sách năm {y}", "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "sắp xếp tổ chức bộ máy theo mô hình chính quyền địa phương hai cấp", "phát triển kinh tế - xã hội năm {y}",
    "công tác cán bộ", "giải quyết đơn thư khiếu nại, tố cáo", "bảo đảm trật tự an toàn giao thông",
    "xây dựng nông thôn mới", "công tác thi đua, khen thưởng năm {y}", "quản lý đất đai và tài nguyên",
    "phòng, chống tham nhũng, lãng phí", "kết quả thực hiện nhiệm vụ quý {q} năm {y}", "thu, chi ngân sách quý {q}",
    "công tác dân vận", "phân cấp, phân quyền theo Kết luận số 210-KL/TW", "tổ chức Đại hội Đảng bộ các cấp",
    "chi trả chế độ cho cán bộ dôi dư", "bảo vệ môi trường", "phòng, chống dịch bệnh", "giáo dục và đào tạo năm học {y}",
)
CONFERENCE_TITLES = {
    Category.DISSEMINATION: (
        "Hội nghị quán triệt, triển khai Kết luận số 226-KL/TW", "Hội nghị học tập, quán triệt nghị quyết của Đảng",
        "Hội nghị phổ biến Luật Tổ chức chính quyền địa phương", "Hội nghị triển khai nhiệm vụ năm {y}",
    ),
    Category.PROFESSIONAL: (
        "Hội nghị tập huấn chuyển đổi số", "Hội nghị tập huấn nghiệp vụ văn thư, lưu trữ",
        "Hội nghị chuyên đề về cải cách hành chính", "Hội nghị tập huấn phần mềm quản lý văn bản",
        "Hội nghị bàn giải pháp thu ngân sách",
    ),
    Category.IMPORTANT: (
        "Hội nghị sơ kết 6 tháng đầu năm {y}", "Hội nghị tổng kết công tác năm {p} và triển khai nhiệm vụ năm {y}",
        "Hội nghị đánh giá kết quả thực hiện mô hình chính quyền hai cấp", "Hội nghị thảo luận kế hoạch đầu tư công",
    ),
}
ALL_LEADERS_TITLES = (
    "Hội nghị cán bộ chủ chốt toàn {area} triển khai nhiệm vụ năm {y}", "Hội nghị toàn {area} tổng kết năm {p}",
    "Hội nghị toàn {area} sơ kết 6 tháng đầu năm {y}", "Hội nghị toàn {area} quán triệt nghị quyết Trung ương",
)

# Agencies created under a few provinces: (code suffix, name pattern, block, issuer of their symbols).
AGENCIES = (
    ("VPUB", "Văn phòng Ủy ban nhân dân {p}", Block.STATE, "VPUBND"),
    ("SNV", "Sở Nội vụ {p}", Block.STATE, "SNV"),
    ("STC", "Sở Tài chính {p}", Block.STATE, "STC"),
    ("VPTU", "Văn phòng {c}", Block.PARTY, "VPTU"),
    ("BTCTU", "Ban Tổ chức {c}", Block.PARTY, "BTCTU"),
    ("VPHDND", "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân {p}", Block.ELECTED, "VPĐĐBQH"),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam {p}", Block.FRONT, "MTTQ"),
)

MONTH_WEIGHTS = (1.0, 0.75, 1.0, 1.0, 1.0, 1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.25)  # Tết in February, year-end in December

