"""Dashboard pages, mounted at /dashboard/."""
from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("province/<str:code>/", views.province, name="province"),
    path("unit/<str:code>/", views.unit, name="unit"),
]
