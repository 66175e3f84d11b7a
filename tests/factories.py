"""factory_boy factories for every model; tests build their data through these or through services."""
import datetime
from decimal import Decimal

import factory
from django.conf import settings

from documents.models import DigitizationReport, Document
from meetings.models import Conference
from reform.models import Unit, User

PASSWORD = "correct-horse-battery"


def choose_language(client, code: str):
    """What a person's EN/VI choice does (Django's set_language): the language cookie. Vietnamese is the default
    and the browser's Accept-Language is not taken (reform/middleware.py)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.LazyAttribute(lambda o: f"Unit {o.code}")
    level = "commune"
    kind = "locality"
    block = "state"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = "entry"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    number = factory.Sequence(lambda n: f"{n + 1}/QĐ-UBND")
    doc_type_id = "QĐ"
    title = factory.Sequence(lambda n: f"Quyết định số {n + 1}")
    issued_on = datetime.date(2025, 3, 10)
    is_digitized = True
    sent_electronically = True


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference

    title = factory.Sequence(lambda n: f"Hội nghị {n + 1}")
    held_on = datetime.date(2025, 4, 2)
    duration_days = Decimal("0.5")
    format = "online"
    category = "dissemination"
    scope = "specialized"


class DigitizationReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigitizationReport

    year = 2025
    quarter = 1
    procedures_total = 100
    procedures_digital = 96
