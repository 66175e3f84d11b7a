"""Seed the target catalogue of Conclusion 226-KL/TW section 2, its thresholds and the hybrid policy switch.

Thresholds are seeded as applying from 2025, not 2026: the conclusion (11 Dec 2025) binds from 2026, but
reviewers need the 2025-vs-2024 figures as the reference year on the same scale; administrators can move
`applies_from` (or add a later row) in the admin, and the history of every change is kept. Years before the
first threshold are `not_applicable`.
"""
from django.db import migrations
from django.utils import timezone

APPLIES_FROM = 2025

TARGETS = [
    # code, clause, comparison, applies_to, threshold, parameters, Vietnamese name, English name. Names hold no
    # figures: the threshold is data, shown beside the name (0004 renamed the rows seeded with figures in them).
    ("DOC_REDUCTION", "2.1", "reduction_gte", "all", "0.1500", {},
     "Giảm số văn bản hành chính so với năm trước",
     "Reduce administrative documents compared with the year before"),
    ("MEETING_REDUCTION", "2.2", "reduction_gte", "all", "0.1000", {},
     "Giảm số hội nghị so với năm trước",
     "Reduce conferences compared with the year before"),
    ("MEETING_ONLINE_SHARE", "2.2", "share_lte", "all", "0.4000", {},
     "Hạn chế hội nghị trực tiếp, tăng hội nghị trực tuyến",
     "Limit in-person conferences in favour of online ones"),
    ("PROVINCE_WIDE_CAP", "2.2", "count_lte", "provincial_localities", "2", {},
     "Giới hạn số hội nghị toàn tỉnh mỗi năm (trừ khi Ban Thường vụ cho phép)",
     "Limit province-wide conferences a year (more only with a standing-committee exception)"),
    ("COMMUNE_WIDE_CAP", "2.2", "count_lte", "commune_localities", "3", {},
     "Giới hạn số hội nghị toàn xã mỗi năm (trừ khi Ban Thường vụ cho phép)",
     "Limit commune-wide conferences a year (more only with a standing-committee exception)"),
    ("CONFERENCE_DURATION", "2.2", "all_comply", "all", "1", {
        "max_days": {"dissemination": "0.5", "professional": "1", "important": "1.5"},
    },
     "Thời gian hội nghị theo loại: quán triệt, chuyên môn, thảo luận quan trọng",
     "Conference length by category: dissemination, professional, important discussion"),
    ("SPEECH_LIMITS", "2.2", "all_comply", "all", "1", {
        "opening_max_min": 10, "closing_total_max_min": 50, "presentation_max_min": 10,
    },
     "Thời lượng phát biểu khai mạc, kết luận và tham luận",
     "Length of the opening speech, the closing speeches and each presentation"),
    ("CONFERENCE_BUDGET", "2.2", "all_comply", "all", "1", {},
     "Chi phí hội nghị không vượt dự toán được giao",
     "Conference spending does not exceed its allocated budget"),
    ("NO_REPEAT_CONFERENCE", "2.2", "all_comply", "all", "1", {},
     "Không tổ chức lại hội nghị đã tổ chức trực tuyến, truyền hình đến cơ sở",
     "No conference re-held after one held online down to the grassroots"),
    ("PROCEDURES_DIGITAL", "2.3", "share_gte", "all", "0.9500", {},
     "Thủ tục hành chính được xử lý trên môi trường số",
     "Administrative procedures handled in the digital environment"),
    ("DOC_DIGITIZATION", "2.3", "share_gte", "all", "0.9500", {},
     "Văn bản được số hóa",
     "Documents digitised"),
    ("DOC_NETWORK", "2.3", "share_gte", "all", "1", {},
     "Văn bản được gửi trên môi trường mạng",
     "Issued documents sent over the network"),
]

HYBRID_KEY = "hybrid_counts_as_online"
HYBRID_DESCRIPTION = (
    "Hội nghị kết hợp (hội trường chính và các điểm cầu trực tuyến) được tính là trực tuyến. "
    "Tắt để tính là trực tiếp. / Hybrid conferences (a main hall plus online connection points) count as "
    "online in MEETING_ONLINE_SHARE. Switch off to count them as in person."
)


def seed(apps, schema_editor):
    Target = apps.get_model("reform", "Target")
    TargetThreshold = apps.get_model("reform", "TargetThreshold")
    PolicySetting = apps.get_model("reform", "PolicySetting")
    HistoricalTarget = apps.get_model("reform", "HistoricalTarget")
    HistoricalTargetThreshold = apps.get_model("reform", "HistoricalTargetThreshold")
    HistoricalPolicySetting = apps.get_model("reform", "HistoricalPolicySetting")
    now = timezone.now()
    reason = "Seeded from Conclusion 226-KL/TW"
    for order, (code, clause, comparison, applies_to, threshold, parameters, name_vi, name_en) in enumerate(TARGETS, 1):
        target, created = Target.objects.update_or_create(
            code=code,
            defaults={"clause": clause, "comparison": comparison, "applies_to": applies_to, "order": order,
                      "name_vi": name_vi, "name_en": name_en},
        )
        # Historical models in migrations get no simple-history signals: write the first history row by hand.
        HistoricalTarget.objects.create(
            code=code, clause=clause, comparison=comparison, applies_to=applies_to, order=order,
            name_vi=name_vi, name_en=name_en, history_date=now, history_type="+" if created else "~",
            history_change_reason=reason,
        )
        row, created = TargetThreshold.objects.update_or_create(
            target=target, applies_from=APPLIES_FROM,
            defaults={"threshold": threshold, "parameters": parameters, "note": "Kết luận 226-KL/TW"},
        )
        HistoricalTargetThreshold.objects.create(
            id=row.id, target_id=code, applies_from=APPLIES_FROM, threshold=threshold, parameters=parameters,
            note=row.note, history_date=now, history_type="+" if created else "~", history_change_reason=reason,
        )
    _setting, created = PolicySetting.objects.update_or_create(
        key=HYBRID_KEY, defaults={"value": True, "description": HYBRID_DESCRIPTION}
    )
    HistoricalPolicySetting.objects.create(
        key=HYBRID_KEY, value=True, description=HYBRID_DESCRIPTION, history_date=now,
        history_type="+" if created else "~", history_change_reason=reason,
    )


def unseed(apps, schema_editor):
    apps.get_model("reform", "Target").objects.filter(code__in=[t[0] for t in TARGETS]).delete()
    apps.get_model("reform", "PolicySetting").objects.filter(key=HYBRID_KEY).delete()


class Migration(migrations.Migration):
    dependencies = [("reform", "0002_targetthreshold_parameters")]
    operations = [migrations.RunPython(seed, unseed)]
