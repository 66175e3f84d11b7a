"""Target names without figures: the threshold is data and shown beside the name (a name saying 15 % beside a
threshold of 20 % misleads). Renames the rows that still carry the names 0003 first seeded (or any figure).
"""
from django.db import migrations
from django.utils import timezone

# code: ((old Vietnamese, old English), (new Vietnamese, new English))
NAMES = {
    "DOC_REDUCTION": (
        ("Giảm ít nhất 15% văn bản hành chính so với năm trước",
         "Administrative documents at least 15 % fewer than the year before"),
        ("Giảm số văn bản hành chính so với năm trước",
         "Reduce administrative documents compared with the year before"),
    ),
    "MEETING_REDUCTION": (
        ("Giảm ít nhất 10% số hội nghị so với năm trước",
         "Conferences at least 10 % fewer than the year before"),
        ("Giảm số hội nghị so với năm trước",
         "Reduce conferences compared with the year before"),
    ),
    "MEETING_ONLINE_SHARE": (
        ("Hội nghị trực tiếp không quá 40% (trực tuyến ít nhất 60%)",
         "In-person conferences at most 40 % (online at least 60 %)"),
        ("Hạn chế hội nghị trực tiếp, tăng hội nghị trực tuyến",
         "Limit in-person conferences in favour of online ones"),
    ),
    "PROVINCE_WIDE_CAP": (
        ("Không quá 2 hội nghị toàn tỉnh mỗi năm (trừ khi Ban Thường vụ cho phép)",
         "At most 2 province-wide conferences a year (more only with a standing-committee exception)"),
        ("Giới hạn số hội nghị toàn tỉnh mỗi năm (trừ khi Ban Thường vụ cho phép)",
         "Limit province-wide conferences a year (more only with a standing-committee exception)"),
    ),
    "COMMUNE_WIDE_CAP": (
        ("Không quá 3 hội nghị toàn xã mỗi năm (trừ khi Ban Thường vụ cho phép)",
         "At most 3 commune-wide conferences a year (more only with a standing-committee exception)"),
        ("Giới hạn số hội nghị toàn xã mỗi năm (trừ khi Ban Thường vụ cho phép)",
         "Limit commune-wide conferences a year (more only with a standing-committee exception)"),
    ),
    "CONFERENCE_DURATION": (
        ("Thời gian hội nghị: quán triệt không quá 0,5 ngày, chuyên môn không quá 1 ngày, thảo luận quan trọng không quá 1,5 ngày",
         "Conference length: dissemination at most 0.5 day, professional at most 1 day, important discussion at most 1.5 days"),
        ("Thời gian hội nghị theo loại: quán triệt, chuyên môn, thảo luận quan trọng",
         "Conference length by category: dissemination, professional, important discussion"),
    ),
    "SPEECH_LIMITS": (
        ("Phát biểu khai mạc không quá 10 phút, kết luận không quá 50 phút, mỗi tham luận không quá 10 phút",
         "Opening speech at most 10 min, closing speeches at most 50 min in total, each presentation at most 10 min"),
        ("Thời lượng phát biểu khai mạc, kết luận và tham luận",
         "Length of the opening speech, the closing speeches and each presentation"),
    ),
    "PROCEDURES_DIGITAL": (
        ("Ít nhất 95% thủ tục hành chính được xử lý trên môi trường số",
         "At least 95 % of administrative procedures handled in the digital environment"),
        ("Thủ tục hành chính được xử lý trên môi trường số",
         "Administrative procedures handled in the digital environment"),
    ),
    "DOC_DIGITIZATION": (
        ("Ít nhất 95% văn bản được số hóa",
         "At least 95 % of documents digitised"),
        ("Văn bản được số hóa",
         "Documents digitised"),
    ),
    "DOC_NETWORK": (
        ("100% văn bản được gửi trên môi trường mạng",
         "100 % of issued documents sent over the network"),
        ("Văn bản được gửi trên môi trường mạng",
         "Issued documents sent over the network"),
    ),
}
REASON = "Tên mục tiêu không ghi số liệu / Target names without figures"


def _has_figure(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _rename(apps, pick) -> None:
    Target = apps.get_model("reform", "Target")
    HistoricalTarget = apps.get_model("reform", "HistoricalTarget")
    now = timezone.now()
    for target in Target.objects.filter(code__in=list(NAMES)):
        name_vi, name_en = pick(target, *NAMES[target.code])
        if (name_vi, name_en) == (target.name_vi, target.name_en):
            continue
        target.name_vi, target.name_en = name_vi, name_en
        target.save(update_fields=["name_vi", "name_en"])
        # Historical models in migrations get no simple-history signals: write the history row by hand.
        HistoricalTarget.objects.create(
            code=target.code, clause=target.clause, comparison=target.comparison, applies_to=target.applies_to,
            order=target.order, name_vi=name_vi, name_en=name_en, history_date=now, history_type="~",
            history_change_reason=REASON,
        )


def forwards(apps, schema_editor):
    def pick(target, old, new):
        # An administrator's own name is kept unless it still hard-codes a figure.
        name_vi = new[0] if target.name_vi == old[0] or _has_figure(target.name_vi) else target.name_vi
        name_en = new[1] if target.name_en == old[1] or _has_figure(target.name_en) else target.name_en
        return name_vi, name_en

    _rename(apps, pick)


def backwards(apps, schema_editor):
    def pick(target, old, new):
        return (old[0] if target.name_vi == new[0] else target.name_vi,
                old[1] if target.name_en == new[1] else target.name_en)

    _rename(apps, pick)


class Migration(migrations.Migration):
    dependencies = [("reform", "0003_seed_targets")]
    operations = [migrations.RunPython(forwards, backwards)]
