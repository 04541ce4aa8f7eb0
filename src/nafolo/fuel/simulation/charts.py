"""Fan charts of days of cover per region over the horizon, as PNG and SVG (matplotlib, Agg)."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd


def fan_chart(region_weeks: pd.DataFrame, folder: Path, *, title: str) -> list[Path]:
    """Days of cover percentiles (5–95 %, 25–75 %, median) by region and week, one panel a region;
    writes days_of_cover.png and days_of_cover.svg in `folder` and returns their paths."""
    regions = list(dict.fromkeys(region_weeks["region"]))
    columns = 4
    rows = math.ceil(len(regions) / columns)
    figure, axes = plt.subplots(
        rows, columns, figsize=(4.0 * columns, 2.6 * rows), sharex=True, squeeze=False
    )
    for n, region in enumerate(regions):
        ax = axes[n // columns][n % columns]
        part = region_weeks[region_weeks["region"] == region]
        x = pd.to_datetime(part["week_start"])
        ax.fill_between(
            x,
            part["days_of_cover_p5_d"],
            part["days_of_cover_p95_d"],
            color="tab:blue",
            alpha=0.2,
            linewidth=0,
            label="5–95 %",
        )
        ax.fill_between(
            x,
            part["days_of_cover_p25_d"],
            part["days_of_cover_p75_d"],
            color="tab:blue",
            alpha=0.4,
            linewidth=0,
            label="25–75 %",
        )
        ax.plot(x, part["days_of_cover_p50_d"], color="tab:blue", linewidth=1.5, label="median")
        ax.set_title(region, fontsize=10)
        ax.set_ylim(bottom=0)
        ax.set_ylabel("days of cover (d)", fontsize=8)
        ax.tick_params(labelsize=7)
        for label in ax.get_xticklabels():
            label.set_rotation(45)
    for n in range(len(regions), rows * columns):
        axes[n // columns][n % columns].axis("off")
    axes[0][0].legend(fontsize=7, loc="upper right")
    figure.suptitle(title, fontsize=12)
    figure.tight_layout()
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "days_of_cover.png", folder / "days_of_cover.svg"]
    for path in paths:
        figure.savefig(path, dpi=110)
    plt.close(figure)
    return paths
