"""The one home of numbers and dates for readers (reform/formatting.py), in both languages."""
import datetime
from decimal import Decimal

from django.utils import translation

from reform import formatting


def test_numbers_in_vietnamese_and_english():
    with translation.override("vi"):
        assert formatting.number(12345) == "12.345"
        assert formatting.number(Decimal("1.50")) == "1,50"  # the decimals it was given
        assert formatting.number("7.1") == "7,1" and formatting.number(0.1381) == "0,1381"
        assert formatting.number(Decimal("2.4"), places=0) == "2"
        assert formatting.number("QĐ") == "QĐ" and formatting.number(None) is None and formatting.number(True) is True
        assert formatting.trimmed(Decimal("0.50")) == "0,5" and formatting.trimmed("2.0") == "2"
        assert formatting.percent(Decimal("0.4000")) == "40" and formatting.percent("0.955") == "95,5"
        assert formatting.percent(0.1381, places=1) == "13,8" and formatting.percent("0.25", places=2) == "25,00"
        assert formatting.date(datetime.date(2025, 12, 31)) == "31/12/2025" == formatting.date("2025-12-31")
        assert formatting.date("không phải ngày") == "không phải ngày"
    with translation.override("en"):
        assert formatting.number(12345) == "12,345" and formatting.number("7.1") == "7.1"
        assert formatting.percent("0.955") == "95.5"
        assert formatting.numbers({"n": 1500, "word": "x"}) == {"n": "1,500", "word": "x"}
