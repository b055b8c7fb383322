from django.core.management.base import BaseCommand

from apps.demo.actions import ensure_demo
from apps.pools.models import Pool


class Command(BaseCommand):
    help = (
        "Creates the demo admin and organization (idempotent) and says how to log in."
    )

    def handle(self, *args: object, **options: object) -> None:
        account = ensure_demo()
        state = "created" if account.created else "already present"
        self.stdout.write(
            self.style.SUCCESS(f"Demo data {state}: {account.organization.name}")
        )
        self.stdout.write(
            "Log in at http://127.0.0.1:8000/accounts/login/ with\n"
            f"  email:    {account.email}\n"
            f"  password: {account.password}\n"
            "The Django admin is at http://127.0.0.1:8000/admin/ (same account)."
        )
        pools = Pool.objects.filter(is_demo=True).count()
        self.stdout.write(
            f"Demo pool directory ({pools:,} pools): http://127.0.0.1:8000/pools/"
        )
