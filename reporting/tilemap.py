"""The national coverage map: a tile grid of the 63 provinces in the rough shape of Viet Nam.

A real outline map needs boundary geodata that we do not ship; a tile grid (one equal square per province, placed
where the province lies: the wide north, the narrow centre, the Mekong delta) is readable on a phone and labels
every province with its name and figure, which an outline map of small provinces cannot. Each tile links to the
province's dashboard; the table below the map holds the exact figures.
"""
from django.utils.formats import number_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# GSO province code → (row, column) on a 7-column grid, north to south.
POSITIONS = {
    12: (1, 2), 10: (1, 3), 2: (1, 4), 4: (1, 5),
    11: (2, 1), 15: (2, 3), 8: (2, 4), 6: (2, 5), 20: (2, 6),
    14: (3, 2), 25: (3, 3), 26: (3, 4), 19: (3, 5), 24: (3, 6), 22: (3, 7),
    17: (4, 3), 1: (4, 4), 27: (4, 5), 30: (4, 6), 31: (4, 7),
    35: (5, 4), 33: (5, 5), 34: (5, 6),
    37: (6, 4), 36: (6, 5),
    38: (7, 3), 40: (8, 3), 42: (9, 4), 44: (10, 4), 45: (11, 4), 46: (12, 5),
    48: (13, 5), 49: (14, 5), 62: (15, 4), 51: (15, 5), 64: (16, 4), 52: (16, 5), 66: (17, 4), 54: (17, 5),
    70: (18, 2), 67: (18, 3), 68: (18, 4), 56: (18, 5),
    72: (19, 2), 74: (19, 3), 75: (19, 4), 58: (19, 5),
    80: (20, 2), 79: (20, 3), 77: (20, 4), 60: (20, 5),
    89: (21, 1), 87: (21, 2), 82: (21, 3), 83: (21, 4),
    91: (22, 1), 92: (22, 2), 86: (22, 3), 84: (22, 4),
    93: (23, 2), 94: (23, 3),
    96: (24, 1), 95: (24, 2),
}
# Names too long for a tile; the others lose their "Tỉnh"/"Thành phố" prefix.
SHORT_NAMES = {79: "TP. HCM", 77: "BR–VT"}

# The stated scale: people with at least one dose against the adult population, in steps of 20 points.
STEPS = (20, 40, 60, 80)


def step_of(percent) -> int | None:
    """0 (under 20 %) to 4 (80 % and over); None where the province has no population figure."""
    if percent is None:
        return None
    return sum(float(percent) >= bound for bound in STEPS)


def short_name(code: int, name: str) -> str:
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _percent(value) -> str:
    return "—" if value is None else number_format(value, decimal_pos=1) + "%"


def legend() -> list[tuple[str, str]]:
    """(CSS class, label) for each step of the scale, then the tile of a province without population data."""
    bounds = (0, *STEPS)
    labels = [_("%(low)s–%(high)s%%") % {"low": low, "high": high - 1} for low, high in zip(bounds, STEPS)]
    labels.append(_("%(low)s%% and over") % {"low": STEPS[-1]})
    return [(f"step-{i}", label) for i, label in enumerate(labels)] + [("step-none", _("No population figure"))]


def province_map(rows: list[dict], *, link: str = "?province={}") -> SafeString:
    """One labelled, coloured, linked tile per province; `rows` are the dashboard's breakdown by province.
    `link` is the address of a province's page with {} for its code (the open figures have their own)."""
    tiles = []
    for row in sorted(rows, key=lambda r: POSITIONS.get(r["key"], (99, 9))):
        row_number, column = POSITIONS.get(row["key"], (25, 1 + len(tiles) % 7))
        step = step_of(row["first_pct"])
        figure = "—" if row["first_pct"] is None else f"{round(row['first_pct'])}%"
        title = _("%(name)s: %(first)s with at least one dose, %(full)s with the primary series") % {
            "name": row["name"], "first": _percent(row["first_pct"]), "full": _percent(row["full_pct"])}
        tiles.append((row_number, column, "none" if step is None else step, link.format(row["key"]), title,
                      short_name(row["key"], row["name"]), figure))
    return format_html_join("", '<li class="tile r-{} c-{} step-{}"><a href="{}" title="{}">'
                                '<span class="tile-name">{}</span> <span class="tile-figure">{}</span></a></li>', tiles)


def legend_items() -> SafeString:
    return format_html_join("", '<li><span class="swatch {}"></span> {}</li>', legend())

