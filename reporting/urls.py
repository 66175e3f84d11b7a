"""Dashboard pages, mounted at /dashboard/."""
from django.urls import path, re_path

from . import views

# A unit code is any text without a slash; a NUL byte (which PostgreSQL cannot compare) is no code: 404.
CODE = r"(?P<code>[^/\x00]+)"

app_name = "reporting"

urlpatterns = [
    path("", views.overview, name="overview"),
    re_path(rf"^province/{CODE}/$", views.province, name="province"),
    re_path(rf"^unit/{CODE}/$", views.unit, name="unit"),
    path("signals/", views.signals, name="signals"),
    path("signals/<int:pk>/review/", views.signal_review_view, name="signal_review"),
]
