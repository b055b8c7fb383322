import logging

from spoguild.logformat import ContextFormatter


def _format(**extra: object) -> str:
    record = logging.makeLogRecord(
        {"msg": "Invitation sent", "levelname": "INFO", **extra}
    )
    return ContextFormatter("%(message)s").format(record)


def test_context_names_the_organization_and_object() -> None:
    line = _format(organization="3f2c", invitation=12)

    assert line == "Invitation sent invitation=12 organization=3f2c"


def test_secret_looking_context_is_masked() -> None:
    line = _format(token="sgk_abcd_secret", api_key_password="hunter2")

    assert "sgk_abcd_secret" not in line
    assert "hunter2" not in line
    assert "token=[redacted]" in line
