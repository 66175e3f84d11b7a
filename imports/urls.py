"""Pages of bulk uploads (/imports/)."""
from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_home, name="home"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/status/", views.import_status, name="status"),
    path("<int:pk>/errors.csv", views.import_errors_csv, name="errors_csv"),
    path("templates/<str:kind>.<str:fmt>", views.import_template, name="template"),
]
