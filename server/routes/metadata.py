"""Correcting a document's title, publisher and date from its header (annotate/review/metadata.py)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Header
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from annotate.review.metadata import Metadata
from server.deps import operations
from server.routes.api import base_version, run

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["documents"])
MetadataDep = Annotated[Metadata, Depends(operations(Metadata))]


@router.post("/documents/{document_id}/metadata")
def correct(
    document_id: int,
    metadata: MetadataDep,
    version: Annotated[int, Form()],
    title: Annotated[str, Form(max_length=500)],
    publisher: Annotated[str, Form(max_length=300)] = "",
    published: Annotated[str, Form(max_length=10)] = "",
    rationale: Annotated[str, Form(max_length=2000)] = "",
):
    fields = {"title": title, "publisher": publisher, "published": published}
    metadata.correct(document_id, version, fields, rationale)
    return RedirectResponse(f"/documents/{document_id}?said=metadata", status_code=303)


class MetadataIn(BaseModel):
    version: int | None = Field(None, description="The document's version you saw; or send If-Match.")
    title: str | None = Field(None, max_length=500)
    publisher: str | None = Field(None, max_length=300, description="A publisher's name (added when new); empty: none.")
    published: str | None = Field(None, max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD; empty: unknown.")
    rationale: str = Field("", max_length=2000)


@api.patch("/documents/{document_id}")
def api_correct(document_id: int, body: MetadataIn, metadata: MetadataDep, if_match: Annotated[str | None, Header()] = None):
    """Correct the title, publisher or publication date (the fields sent); they are no longer marked inferred."""
    version = base_version(body.version, if_match)
    fields = body.model_dump(exclude_unset=True, exclude={"version", "rationale"})
    return run(lambda: metadata.correct(document_id, version, fields, body.rationale))
