from django import forms


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_token(self):
        # Codes are read off a phone or a sheet of paper: spaces and case don't matter.
        return "".join(self.cleaned_data["token"].split()).lower()
