"""Pages of the documents register (/documents/) and the digitisation reports (/documents/digitization/)."""
from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="document_list"),
    path("new/", views.DocumentCreateView.as_view(), name="document_create"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("<int:pk>/edit/", views.DocumentUpdateView.as_view(), name="document_update"),
    path("<int:pk>/delete/", views.DocumentDeleteView.as_view(), name="document_delete"),
    path("digitization/", views.DigitizationListView.as_view(), name="digitization_list"),
    path("digitization/new/", views.DigitizationCreateView.as_view(), name="digitization_create"),
    path("digitization/<int:pk>/", views.DigitizationDetailView.as_view(), name="digitization_detail"),
    path("digitization/<int:pk>/edit/", views.DigitizationUpdateView.as_view(), name="digitization_update"),
    path("digitization/<int:pk>/delete/", views.DigitizationDeleteView.as_view(), name="digitization_delete"),
]
