"""The main menu marks the page's own item: the digitisation pages (under /documents/digitization/) theirs, not
Documents'."""
import re

import pytest
from django.urls import reverse

from tests.factories import DigitizationReportFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def current(html: str) -> list[str]:
    nav = html[html.index('<nav class="site-nav"'):html.index("</nav>")]
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav)


def test_every_digitisation_page_marks_its_own_menu_item(hn_client, tree):
    report = DigitizationReportFactory(unit=tree["01"], year=2025, quarter=1)
    for name, args in (("digitization_list", []), ("digitization_create", []), ("digitization_detail", [report.pk]),
                       ("digitization_update", [report.pk]), ("digitization_delete", [report.pk])):
        html = hn_client.get(reverse(f"documents:{name}", args=args)).content.decode()
        assert current(html) == [reverse("documents:digitization_list")], name


def test_every_document_page_marks_documents(hn_client, tree):
    document = DocumentFactory(unit=tree["01"])
    for name, args in (("document_list", []), ("document_create", []), ("document_detail", [document.pk]),
                       ("document_update", [document.pk])):
        html = hn_client.get(reverse(f"documents:{name}", args=args)).content.decode()
        assert current(html) == [reverse("documents:document_list")], name
