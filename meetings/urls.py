"""Pages of the conferences register (/conferences/)."""
from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.ConferenceListView.as_view(), name="conference_list"),
    path("new/", views.ConferenceCreateView.as_view(), name="conference_create"),
    path("<int:pk>/", views.ConferenceDetailView.as_view(), name="conference_detail"),
    path("<int:pk>/edit/", views.ConferenceUpdateView.as_view(), name="conference_update"),
    path("<int:pk>/delete/", views.ConferenceDeleteView.as_view(), name="conference_delete"),
]
