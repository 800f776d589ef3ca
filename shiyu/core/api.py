"""API plumbing shared by every router. Bearer authentication is in shiyu.accounts.auth."""


def actor_of(request):
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else None


# Every error the API answers has one shape (config/api.py's exception handlers): a code a client
# can switch on and a localised message, plus the fields at fault for invalid input.
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "field": {"type": "string"},
        "fields": {"type": "array", "items": {"type": "string"}},
        "detail": {},
    },
    "required": ["code", "message"],
}
ERROR_STATUSES = {
    "400": "The body is not JSON, or the request cannot be completed.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Not found, or not visible to the caller (the same answer).",
    "409": "The case changed meanwhile, or the action is not possible in its state.",
    "422": "The input is not valid; `fields` names what is wrong.",
    "429": "Too many requests from this address; try again later.",
}


def document_error_responses(schema: dict) -> dict:
    """Declare the error answers in the OpenAPI document next to each operation's success, so
    clients (and schema-driven tests) know them: 401 where a token is accepted, the rest
    everywhere."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            statuses = dict(ERROR_STATUSES)
            if operation.get("security"):
                statuses["401"] = "No valid bearer token (or it has expired)."
            for status, description in statuses.items():
                responses.setdefault(int(status), {"description": description, "content": content})
    return schema
