from django.urls import path

from apps.samples.api.views import SampleIntakeView

urlpatterns = [
    path("samples", SampleIntakeView.as_view(), name="agent-samples"),
]
