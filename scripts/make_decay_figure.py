"""Draw the decay curves of the default engagement signals as an SVG for the docs.

Run ``python scripts/make_decay_figure.py`` to rewrite ``docs/img/decay.svg``.
The curves come from `EngagementScorer` itself (a lead with one interaction,
scored day by day), so the picture shows what the code computes. Plain SVG:
no plotting library needed; a test checks the committed file is up to date.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from leadkit import EngagementScorer, Interaction, Lead

OUT = Path(__file__).resolve().parent.parent / "docs" / "img" / "decay.svg"
KINDS = [("demo_request", "#1f77b4"), ("free_trial", "#2ca02c"), ("pricing_view", "#d62728"), ("webinar", "#9467bd")]
DAYS = 180
WIDTH, HEIGHT, LEFT, BOTTOM, TOP, RIGHT = 640, 360, 48, 40, 16, 150
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def curve(kind: str) -> list[tuple[int, float]]:
    """Points of one fresh interaction of ``kind``, day by day."""
    lead = Lead(id="curve", created_at=T0, interactions=[Interaction(kind=kind, at=T0)])
    scorer = EngagementScorer()
    return [(day, scorer.score(lead, as_of=T0 + timedelta(days=day)).value) for day in range(DAYS + 1)]


def render() -> str:
    """The SVG document."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top_value = 60.0

    def x(day: float) -> float:
        return LEFT + plot_w * day / DAYS

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top_value)

    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif"'
    parts = [
        svg + ' font-size="12">',
        "<title>Engagement decay of the default signals</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<line x1="{LEFT}" y1="{y(0)}" x2="{LEFT + plot_w}" y2="{y(0)}" stroke="#444"/>',
        f'<line x1="{LEFT}" y1="{y(0)}" x2="{LEFT}" y2="{TOP}" stroke="#444"/>',
    ]
    parts += [
        f'<text x="{x(d):.1f}" y="{y(0) + 16:.1f}" text-anchor="middle">{d}</text>' for d in range(0, DAYS + 1, 30)
    ]
    parts += [f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>' for v in range(0, 61, 20)]
    middle, centre = LEFT + plot_w / 2, TOP + plot_h / 2
    parts.append(f'<text x="{middle:.1f}" y="{HEIGHT - 6}" text-anchor="middle">days since the interaction</text>')
    parts.append(
        f'<text x="12" y="{centre:.1f}" transform="rotate(-90 12 {centre:.1f})" text-anchor="middle">points</text>'
    )
    legend = WIDTH - RIGHT
    for row, (kind, colour) in enumerate(KINDS):
        points = " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in curve(kind))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        ly = TOP + 14 + row * 20
        parts.append(
            f'<line x1="{legend + 12}" y1="{ly}" x2="{legend + 32}" y2="{ly}" stroke="{colour}" stroke-width="2"/>'
        )
        parts.append(f'<text x="{legend + 38}" y="{ly + 4}">{kind}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    """Write the figure."""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(OUT.parents[2])}")


if __name__ == "__main__":
    main()
