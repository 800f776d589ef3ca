from typing import Any

from django.utils.translation import get_language


def localized_name(obj: Any) -> str:
    """A named row (area, department, category) in the reader's language: its English name when
    the page is English and one is set, otherwise its name. None is ""."""
    if obj is None:
        return ""
    name_en = getattr(obj, "name_en", "")
    return name_en if name_en and get_language() == "en" else obj.name
