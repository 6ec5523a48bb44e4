"""The coverage figures of the loaded facts as a table for the about page."""

from __future__ import annotations

import pandas as pd

from atlas import fmt
from atlas.coverage import data_coverage
from atlas.network import Network
from atlas.text import t


def coverage_table(network: Network, lang: str) -> pd.DataFrame:
    """One row per figure of atlas.coverage.data_coverage, labelled in `lang`."""
    figures = data_coverage(network)
    share = [
        f"{fmt.number(100 * k / n, lang, decimals=0)} %" if n else "–"
        for k, n in zip(figures["known"], figures["total"], strict=True)
    ]
    return pd.DataFrame(
        {
            t("coverage.col_what", lang): [t(f"coverage.{key}", lang) for key in figures["key"]],
            t("coverage.col_known", lang): figures["known"],
            t("coverage.col_total", lang): figures["total"],
            t("coverage.col_share", lang): share,
        }
    )
