"""Seed the document-type catalogue with the official abbreviations (Decree 30/2020/NĐ-CP annex III,
Regulation 66-QĐ/TW on Party documents). Legal normative documents do not count toward DOC_REDUCTION."""
from django.db import migrations

TYPES = [
    # code, Vietnamese, English, counts toward the reduction target
    ("NQ", "Nghị quyết", "Resolution", True),
    ("QĐ", "Quyết định", "Decision", True),
    ("CT", "Chỉ thị", "Directive", True),
    ("KL", "Kết luận", "Conclusion", True),
    ("QC", "Quy chế", "Regulation (rules)", True),
    ("QyĐ", "Quy định", "Regulation", True),
    ("TB", "Thông báo", "Notice", True),
    ("HD", "Hướng dẫn", "Guidance", True),
    ("KH", "Kế hoạch", "Plan", True),
    ("CTr", "Chương trình", "Programme", True),
    ("ĐA", "Đề án", "Scheme", True),
    ("PA", "Phương án", "Option paper", True),
    ("DA", "Dự án", "Project", True),
    ("BC", "Báo cáo", "Report", True),
    ("BB", "Biên bản", "Minutes", True),
    ("TTr", "Tờ trình", "Submission", True),
    ("CV", "Công văn", "Official letter", True),
    ("CĐ", "Công điện", "Official dispatch", True),
    ("GM", "Giấy mời", "Invitation", True),
    ("TC", "Thông cáo", "Communiqué", True),
    ("NĐ", "Nghị định", "Decree (legal normative)", False),
    ("TT", "Thông tư", "Circular (legal normative)", False),
    ("TTLT", "Thông tư liên tịch", "Joint circular (legal normative)", False),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for order, (code, name_vi, name_en, counts) in enumerate(TYPES, start=1):
        DocumentType.objects.update_or_create(
            code=code,
            defaults={"name_vi": name_vi, "name_en": name_en, "counts_toward_reduction": counts, "order": order},
        )


def unseed(apps, schema_editor):
    apps.get_model("documents", "DocumentType").objects.filter(code__in=[t[0] for t in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_initial")]
    operations = [migrations.RunPython(seed, unseed)]
