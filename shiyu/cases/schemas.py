from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, model_validator


class Ref(Schema):
    id: int
    code: str
    name: str


class Location(Schema):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class ObjectIn(Schema):
    """An input object. Ninja's Schema reads attributes from anything, so a string where an
    object belongs would pass as all defaults (a contact silently dropped); refuse it instead."""

    @model_validator(mode="before")
    @classmethod
    def _must_be_an_object(cls, value):
        raw = getattr(value, "_obj", value)  # ninja's DjangoGetter wraps the parsed JSON
        if not isinstance(raw, dict | Schema):
            raise ValueError("expected an object")
        return value


class ContactIn(ObjectIn):
    name: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)


class CaseIn(Schema):
    title: str = Field(max_length=1000)
    body: str = Field(max_length=20000)
    kind: str = "complaint"
    category: int | str | None = None
    area: int | str | None = None
    location: Location | None = None
    address: str = Field("", max_length=1000)
    urgency: str = "normal"
    contact: ContactIn | None = None
    # Photos as base64 strings (the whole request body is limited to 2 MB); each is checked and
    # re-encoded like a portal upload, so EXIF and GPS never reach the server's storage.
    photos: list[str] = Field(default_factory=list, max_length=20)
    # The submitter agrees that the resolved case may be published once staff reviewed it.
    publish_consent: bool = False


class CaseCreatedOut(Schema):
    id: int
    code: str
    state: str
    title: str
    kind: str
    submitted_at: datetime
    track_url: str


class ClockOut(Schema):
    clock: Literal["ack", "reply", "followup"]
    due: datetime
    light: Literal["on_time", "due_soon", "overdue"]
    remaining_hours: float  # working hours; negative when overdue


class CaseOut(Schema):
    id: int
    code: str
    title: str
    body: str
    kind: str
    channel: str
    urgency: str
    state: str
    version: int
    category: Ref | None
    area: Ref | None
    lead_department: Ref | None
    assisting_departments: list[Ref]
    suggested_department: Ref | None
    address: str
    location: Location | None
    reply_text: str
    satisfaction: str
    reopen_count: int
    transfer_count: int
    urge_count: int
    escalation_level: int
    is_problem: bool
    first_contact: bool
    extension_pending_days: int | None
    merged_into: int | None
    contact_masked: dict | None
    submitted_at: datetime
    updated_at: datetime
    accepted_at: datetime | None
    dispatched_at: datetime | None
    acknowledged_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    ack_due_at: datetime | None
    reply_due_at: datetime | None
    followup_due_at: datetime | None = None
    deadline_light: Literal["on_time", "due_soon", "overdue", ""] = ""
    clocks: list[ClockOut] = []
    paused: bool = False
    paused_at: datetime | None = None
    pause_reason: str = ""
    paused_hours: float = 0
    supervising_area: Ref | None = None
    actions: list[str]


class CaseListOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[CaseOut]


class EventOut(Schema):
    id: int
    action: str
    from_state: str
    to_state: str
    actor: str | None
    note: str
    data: dict
    is_public: bool
    created_at: datetime


class ActionIn(ObjectIn):
    version: int | None = None
    note: str | None = Field(None, max_length=20000)
    reason: str | None = Field(None, max_length=20000)
    text: str | None = Field(None, max_length=20000)
    comment: str | None = Field(None, max_length=20000)
    lead_department: int | None = None
    assisting_departments: list[int] | None = None
    satisfaction: Literal["satisfied", "unsatisfied", "unreachable"] | None = None
    # The length limit belongs to the text form (a case code) only: on the union it fails on ints.
    target: int | Annotated[str, Field(max_length=32)] | None = None
    days: int | None = None
    # extend_approve: ISO 8601 (with or without offset; a date alone is the end of its working day),
    # parsed by the service so a bad value gets its localised field error.
    reply_due_at: str | None = Field(None, max_length=40)


class ContactOut(Schema):
    name: str
    phone: str
    email: str


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    level: int
    parent_id: int | None


class TrackEvent(Schema):
    action: str
    label: str
    at: datetime
    text: str


class TrackOut(Schema):
    code: str
    title: str
    kind: str
    state: str
    state_label: str
    submitted_at: datetime
    category: str | None
    department: str | None
    reply_text: str
    timeline: list[TrackEvent]


class FeedbackIn(ObjectIn):
    satisfaction: Literal["satisfied", "unsatisfied"]
    comment: str = Field("", max_length=5000)


class ReopenIn(ObjectIn):
    reason: str = Field(max_length=5000)
