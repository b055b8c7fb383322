from rest_framework import serializers


class AckSerializer(serializers.Serializer[dict[str, int]]):
    accepted = serializers.IntegerField(help_text="Samples stored by this request.")
    duplicates = serializers.IntegerField(
        help_text="Samples already stored (same node and ts); not stored again."
    )


class IntakeErrorSerializer(serializers.Serializer[dict[str, str]]):
    error = serializers.CharField()
    field = serializers.CharField(
        required=False,
        help_text=(
            "Path of the refused field: `samples[<i>]...` names one sample of "
            "the request, `version` an unsupported protocol version."
        ),
    )
