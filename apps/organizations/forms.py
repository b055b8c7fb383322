from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization
from apps.organizations.roles import Role, assignable_roles


class OrganizationForm(forms.ModelForm[Organization]):
    class Meta:
        model = Organization
        fields = ["name"]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: object, actor_role: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        roles = assignable_roles(actor_role)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role.value, role.label) for role in roles]
        self.fields["role"].initial = Role.MEMBER


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class TransferForm(forms.Form):
    new_owner = forms.TypedChoiceField(label=_("New owner"), coerce=int)

    def __init__(
        self, *args: object, members: list[tuple[int, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        owner_field = self.fields["new_owner"]
        assert isinstance(owner_field, forms.ChoiceField)
        owner_field.choices = members
