"""The tip and the current epoch of a network are upserted every few minutes."""

from django.utils import timezone

from apps.chain.models import Epoch, NetworkTip
from apps.chain.sync.network import sync_network_state
from tests.sync.fakes import N_OPT, TOTAL_STAKE, FakeChainSource, epoch_info


def test_the_tip_and_the_epoch_with_its_parameters_are_stored_once(db: None) -> None:
    # Given a source at epoch 500, where d was still 0.5
    source = FakeChainSource(epochs={500: epoch_info(500, decentralisation=0.5)})

    # When the state is synced twice in a row
    sync_network_state(source, timezone.now())
    sync_network_state(source, timezone.now())

    # Then one tip and one epoch row hold it
    tip = NetworkTip.objects.get()
    assert (tip.network, tip.epoch, tip.source) == ("mainnet", 500, "koios")
    epoch = Epoch.objects.get()
    assert (epoch.number, epoch.n_opt, epoch.decentralisation) == (500, N_OPT, 0.5)
    assert epoch.active_stake == TOTAL_STAKE
    assert epoch.params["n_opt"] == N_OPT
    # and the second run asked only for the tip: the epoch was fresh
    assert epoch.stake_supply == source.supply
    assert source.asked == ["tip", "epoch", "stake_supply", "tip"]


def test_a_new_epoch_reads_the_last_one_again_for_its_final_counts(
    db: None,
) -> None:
    source = FakeChainSource(current_epoch=500)
    sync_network_state(source, timezone.now())
    source.current_epoch = 501
    source.asked.clear()

    sync_network_state(source, timezone.now())

    assert source.asked == ["tip", "epoch", "epoch", "stake_supply"]
    assert list(Epoch.objects.values_list("number", flat=True)) == [501, 500]
    assert NetworkTip.objects.get().epoch == 501
