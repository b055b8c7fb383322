from celery import shared_task

from apps.organizations import actions


@shared_task
def purge_expired_invitations() -> int:
    return actions.purge_expired_invitations()
