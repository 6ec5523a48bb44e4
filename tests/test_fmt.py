"""Numbers and dates as people read them."""

from __future__ import annotations

import pytest

from atlas import fmt


@pytest.mark.parametrize(("lang", "shown"), [("de", "DD.MM.YYYY"), ("en", "YYYY-MM-DD")])
def test_a_date_picker_shows_dates_as_the_language_writes_them(lang, shown):
    assert fmt.date_input_format(lang) == shown
