"""Words for codes: what a page, a download or a message shows where the data holds a code.

A breakdown is stored under a key such as ``age_band=18-21;gender=female`` (dimension codes
sorted); people read it as "Age band: 18 to 21, Gender: Female", with the dimensions in the
initiative's order. Unknown codes are shown as they are, so nothing is hidden.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Dimension, Initiative


def breakdown_names(initiative: Initiative) -> Callable[[str], str]:
    """A function from a breakdown key to its words ("" for the total stays "")."""
    dimensions: dict[str, tuple[int, str, dict[str, str]]] = {}
    for position, dimension in enumerate(
        Dimension.objects.filter(initiative=initiative).prefetch_related("categories")
    ):
        dimensions[dimension.code] = (
            position,
            dimension.name,
            {c.code: c.name for c in dimension.categories.all()},
        )
    cache: dict[str, str] = {}

    def words(key: str) -> str:
        if not key:
            return ""
        if key not in cache:
            parts = []
            for pair in key.split(";"):
                dim, _, cat = pair.partition("=")
                position, name, categories = dimensions.get(dim, (len(dimensions), dim, {}))
                parts.append((position, f"{name}: {categories.get(cat, cat)}"))
            cache[key] = ", ".join(text for _position, text in sorted(parts))
        return cache[key]

    return words
