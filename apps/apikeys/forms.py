from django import forms

from apps.apikeys.models import ApiKey


class ApiKeyForm(forms.ModelForm[ApiKey]):
    class Meta:
        model = ApiKey
        fields = ["name", "scope"]
