"""One sync run against one network's source: stops, errors and call counts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Final, TypeVar

from django.db.models import F
from django.utils import timezone

from apps.chain.models import SourceStatus, SourceUsage
from apps.chain.selection import RunCounter, source_for
from apps.chain.sources.base import Banned, ChainSource, SourceStopped
from spoguild.http import CallCounter, HttpError, TemporaryError

logger = logging.getLogger(__name__)

T = TypeVar("T")
SourceFactory = Callable[[str, CallCounter], ChainSource]

# Blockfrost does not say how long a flooding ban lasts; an hour of silence
# is long enough not to prolong it and short enough to notice it lifting.
BAN_PAUSE: Final = timedelta(hours=1)
# The daily quota resets at midnight UTC; a minute's margin for clock skew.
QUOTA_MARGIN: Final = timedelta(minutes=1)


def run(
    network: str,
    job: Callable[[ChainSource], T],
    *,
    now: datetime | None = None,
    make_source: SourceFactory | None = None,
) -> T | None:
    """Runs ``job`` with a new source for ``network``, unless it is stopped.

    A quota or ban answer stops the source (until midnight UTC, or for an
    hour) and a temporary failure that outlasted the retries ends the run;
    both are recorded on :class:`SourceStatus` and the run returns None, as
    they are what calling a vendor is like, not bugs. Any other error is
    recorded and raised. Every request sent is added to today's
    :class:`SourceUsage`, whatever the outcome.
    """
    now = now or timezone.now()
    counter = RunCounter()
    source = (make_source or source_for)(network, counter)
    status, _created = SourceStatus.objects.get_or_create(
        network=network, source=source.name
    )
    if status.is_stopped(now):
        logger.info(
            "Chain source stopped; nothing sent",
            extra={"network": network, "source": source.name},
        )
        return None

    try:
        result = job(source)
    except SourceStopped as error:
        _record_error(status, error, now, stopped_until=_stopped_until(error, now))
        return None
    except TemporaryError as error:
        _record_error(status, error, now)
        return None
    except HttpError as error:
        _record_error(status, error, now)
        raise
    finally:
        _record_usage(network, source.name, counter[source.name], now)

    SourceStatus.objects.filter(pk=status.pk).update(
        last_success_at=now, last_error="", stopped_until=None
    )
    return result


def _stopped_until(error: SourceStopped, now: datetime) -> datetime:
    if isinstance(error, Banned):
        return now + BAN_PAUSE
    tomorrow = now.astimezone(UTC).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=UTC) + QUOTA_MARGIN


def _record_error(
    status: SourceStatus,
    error: HttpError,
    now: datetime,
    *,
    stopped_until: datetime | None = None,
) -> None:
    message = f"{type(error).__name__}: {error}"[:255]
    fields: dict[str, object] = {"last_error": message, "last_error_at": now}
    if stopped_until is not None:
        fields["stopped_until"] = stopped_until
    SourceStatus.objects.filter(pk=status.pk).update(**fields)
    logger.warning(
        "Chain sync run ended early: %s",
        message,
        extra={
            "network": status.network,
            "source": status.source,
            "stopped_until": stopped_until,
        },
    )


def _record_usage(network: str, source: str, calls: int, now: datetime) -> None:
    if not calls:
        return
    day = now.astimezone(UTC).date()
    usage, _created = SourceUsage.objects.get_or_create(
        network=network, source=source, day=day
    )
    # An increment in the database, as two runs may finish at the same moment.
    SourceUsage.objects.filter(pk=usage.pk).update(calls=F("calls") + calls)
