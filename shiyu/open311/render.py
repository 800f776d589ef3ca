"""GeoReport v2 documents in the spec's two formats: XML (mandatory) and JSON.

Each document is a root element holding a list of items; in JSON it is the bare list (or, for
discovery and a service definition, the object). Element names are the spec's.
"""

from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405  (builds documents; never parses input)

from django.http import HttpResponse, JsonResponse

XML_TYPE = "text/xml; charset=utf-8"

# list root → item element (the spec's pairs)
ITEM = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        child_tag = ITEM.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, child_tag), item)
    else:
        element.text = _text(value)


def xml_document(root: str, content: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, content)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


def respond(fmt: str, root: str, content: Any, *, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(xml_document(root, content), content_type=XML_TYPE, status=status)
    return JsonResponse(content, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error_response(fmt: str, status: int, description: str) -> HttpResponse:
    return respond(fmt, "errors", [{"code": status, "description": description}], status=status)
