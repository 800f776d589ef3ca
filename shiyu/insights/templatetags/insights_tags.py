"""Small helpers for the dashboard template."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.simple_tag
def figure(value, rate=False) -> str:
    """A metric as shown: rates as percentages with one decimal, hours with one, "–" for none."""
    if value is None or value == "":
        return "–"
    if rate:
        return f"{number_format(float(value) * 100, 1)}%"
    if isinstance(value, float):
        return number_format(value, 1)
    return number_format(value)


@register.filter
def split(value: str) -> list[str]:
    return value.split()


@register.filter
def field(form, name: str):
    return form[name]
