"""Pages of period reports (/reports/)."""
from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("submit/", views.submit, name="submit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.return_, name="return"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("archive/", views.archive, name="archive"),
    path("archive/<int:pk>/download/", views.export_download, name="export_download"),
    path("rate/", views.rate, name="rate"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
