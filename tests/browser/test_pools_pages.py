"""The public pool pages driven in Chromium: search as you type, sort, compare, chart.

Each page is also photographed in both themes at desktop and phone widths in
/tmp/spoguild-shots/, for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from apps.pools.models import Pool
from tests.browser.conftest import CHROMIUM_ARGS, DESKTOP
from tests.browser.test_page_layout import THEMES, UNLABELLED_CONTROLS, WIDTHS
from tests.pools.pages_support import ADA, add_epochs, make_pool

SHOTS = Path("/tmp/spoguild-shots")
TICKERS = ["ZEBRA", "ZENIT", "ALPHA", "BRAVO", "CEDAR", "DELTA", "EMBER", "FROST"]


@pytest.fixture
def directory() -> list[Pool]:
    """Eight pools of falling stake and rising margin; ZEBRA has ten epochs."""
    pools = [
        make_pool(
            ticker,
            name=f"{ticker.title()} Stake Pool",
            live_stake=(80 - 9 * number) * 1_000_000 * ADA,
            live_saturation=(80 - 9 * number) / 77,
            margin=number / 100,
        )
        for number, ticker in enumerate(TICKERS)
    ]
    add_epochs(pools[0], range(590, 600))
    return pools


def rows(page: Page):
    return page.get_by_test_id("directory-table").locator("tbody tr")


def test_typing_in_the_search_narrows_the_table_and_the_address(
    page: Page, directory: list[Pool]
) -> None:
    # Given the directory with every pool
    page.goto("/pools/")
    expect(rows(page)).to_have_count(len(TICKERS))

    # When someone types a ticker's start, without pressing anything
    page.get_by_role("searchbox", name="Search").press_sequentially("ze", delay=40)

    # Then the table narrows to the matches and the address can be shared
    expect(rows(page)).to_have_count(2)
    expect(page).to_have_url(re.compile(r"/pools/\?q=ze$"))
    expect(rows(page).first).to_contain_text("ZEBRA")


def test_a_column_header_sorts_and_typing_keeps_the_sort(
    page: Page, directory: list[Pool]
) -> None:
    page.goto("/pools/")

    # When the margin column is clicked, then clicked again
    page.get_by_role("link", name="Margin", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=margin"))
    expect(rows(page).first).to_contain_text("ZEBRA")
    page.get_by_role("link", name="Margin", exact=True).click()

    # Then the highest margin comes first, and the header says so
    expect(rows(page).first).to_contain_text("FROST")
    header = page.locator("th", has=page.get_by_role("link", name="Margin", exact=True))
    expect(header).to_have_attribute("aria-sort", "descending")

    # And a search typed next keeps that order
    page.get_by_role("searchbox", name="Search").press_sequentially("e", delay=40)
    expect(page).to_have_url(re.compile(r"q=e.*sort=margin|sort=margin.*q=e"))
    expect(rows(page).first).not_to_contain_text("ZEBRA")


def test_two_ticked_pools_open_side_by_side(page: Page, directory: list[Pool]) -> None:
    page.goto("/pools/")

    # When two pools are ticked and compared
    page.get_by_label("Compare ALPHA").check()
    page.get_by_label("Compare DELTA").check()
    tray = page.locator("[data-compare-tray]")
    expect(tray).to_contain_text("2 of 5 pools chosen")
    tray.get_by_role("button", name="Compare").click()

    # Then the comparison shows both, with the better margin marked
    expect(page).to_have_url(re.compile(r"/pools/compare/\?ids=pool1"))
    table = page.get_by_test_id("compare-table")
    expect(table.get_by_role("columnheader", name=re.compile("ALPHA"))).to_be_visible()
    expect(table.get_by_role("columnheader", name=re.compile("DELTA"))).to_be_visible()
    margin = table.get_by_role("row", name=re.compile("^Margin"))
    expect(margin.locator("td.best")).to_contain_text("2.00%")


def test_preprod_pools_ticked_in_its_directory_are_compared_on_preprod(
    page: Page, directory: list[Pool]
) -> None:
    # Given two preprod pools, one under the id of a mainnet pool
    make_pool("PRELO", network="preprod", pool_id=directory[0].pool_id)
    make_pool("PREHI", network="preprod", margin=0.2)
    page.goto("/pools/?network=preprod")

    # When both are ticked and compared
    page.get_by_label("Compare PRELO").check()
    page.get_by_label("Compare PREHI").check()
    page.locator("[data-compare-tray]").get_by_role("button", name="Compare").click()

    # Then the comparison is of the preprod rows, and links back to them
    expect(page).to_have_url(
        re.compile(r"/pools/compare/\?ids=pool1.*&network=preprod")
    )
    table = page.get_by_test_id("compare-table")
    table.get_by_role("link", name=re.compile("PRELO")).click()
    expect(page).to_have_url(re.compile(r"\?network=preprod$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("PRELO")


def test_the_directory_works_without_javascript(
    browser: Browser, live_server: LiveServer, directory: list[Pool]
) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/pools/")

    page.get_by_role("searchbox", name="Search").fill("zen")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(rows(page)).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=zen"))
    context.close()


def test_the_card_draws_the_blocks_chart_with_a_range_switch(
    page: Page, directory: list[Pool]
) -> None:
    page.goto(f"/pools/{directory[0].pool_id}/")

    expect(page.locator("#blocks-chart canvas")).to_be_visible()
    expect(page.locator("#blocks-chart")).to_contain_text("Made")
    page.get_by_role("button", name="10 epochs").click()
    expect(page.get_by_role("button", name="10 epochs")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_text("The same numbers as a table")).to_be_visible()


def test_the_pool_pages_fit_every_width_and_theme(
    page: Page, directory: list[Pool]
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    ids = ",".join(pool.pool_id for pool in directory[:3])
    pages = {
        "directory": "/pools/",
        "card": f"/pools/{directory[0].pool_id}/",
        "compare": f"/pools/compare/?ids={ids}",
        "methodology": "/pools/how-numbers-are-computed/",
    }
    for name, path in pages.items():
        page.set_viewport_size(DESKTOP)
        page.goto(path)
        assert page.evaluate(UNLABELLED_CONTROLS) == [], name
        for width, viewport in WIDTHS.items():
            for theme in THEMES:
                page.set_viewport_size(viewport)
                page.emulate_media(color_scheme=theme)
                page.screenshot(
                    path=SHOTS / f"pools-{name}-{width}-{theme}.png", full_page=True
                )
                assert _overflow(page) == 0, f"{name} scrolls sideways at {width}"


def _overflow(page: Page) -> int:
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth"
        )
    )


__all__ = ["CHROMIUM_ARGS"]
