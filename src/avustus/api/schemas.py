"""The API's bodies as ninja schemas: what the OpenAPI document describes, with examples."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic_core import PydanticCustomError

# The error type of a schema's own refusal: the API shows its message as it is (``errors.schema_message``), where
# pydantic's other errors, and a plain ValueError's English, get the API's own words.
OWN_ERROR = "avustus_invalid"


def invalid_value(message: str) -> PydanticCustomError:
    """For a schema's own validator to raise, with ``message`` already in the user's language. Not a ValueError:
    ninja turns the exception of a ``value_error`` into its text, and that text could be anyone's."""
    return PydanticCustomError(OWN_ERROR, "{message}", {"message": message})  # braces in message stay as they are


class ErrorItem(Schema):
    path: str = Field(description="The field inside the body, dot-separated; empty for the request as a whole",
                      examples=["budget.0.vat"])
    message: str = Field(description="What is wrong, in the user's language",
                         examples=["Write an amount in euros, for example 12500,00."])


class Errors(Schema):
    errors: list[ErrorItem]


# --- Calls and the registry ---------------------------------------------------------------------


class Translated(Schema):
    fi: str = Field(examples=["Henkilöstökustannukset"])
    sv: str = Field(examples=["Personalkostnader"])
    en: str = Field(examples=["Staff costs"])


class CostCategoryOut(Schema):
    code: str = Field(description="The code to use as a budget line's category", examples=["staff"])
    name: Translated
    eligible: bool = Field(description="Whether the call pays costs of this category", examples=[True])


class CallOut(Schema):
    id: str = Field(examples=["kuntadigi-2026"])
    title: Translated
    status: str = Field(examples=["published"])
    opens_at: datetime | None = Field(examples=["2026-01-15T08:00:00+02:00"])
    closes_at: datetime | None = Field(examples=["2026-03-31T16:15:00+03:00"])
    aid_rate: Decimal = Field(description="The share of VAT-free eligible costs that can be granted",
                              examples=["0.85"])
    min_municipalities: int = Field(examples=[2])
    lead_kinds: list[str] = Field(description="Kinds of body that may lead", examples=[["municipality"]])
    partner_kinds: list[str] = Field(examples=[["municipality", "joint_authority"]])
    cost_categories: list[CostCategoryOut]
    plan_fields: list[dict] = Field(description="The plan's fields: key (used in an application's plan), "
                                                "required, max_length and label in fi, sv and en",
                                    examples=[[{"key": "objectives", "required": True, "max_length": 5000,
                                                "label": {"fi": "Tavoitteet", "sv": "Mål", "en": "Objectives"}}]])


class OrganisationOut(Schema):
    key: str = Field(description="The key to name the body with as lead or partner", examples=["109"])
    kind: str = Field(examples=["municipality"])
    code: str | None = Field(examples=["109"])
    name_fi: str = Field(examples=["Hämeenlinna"])
    name_sv: str = Field(examples=["Tavastehus"])


# --- Applications -------------------------------------------------------------------------------


class MemberOut(Schema):
    key: str | None = Field(description="The body's registry key (see /organisations)", examples=["109"])
    name: str = Field(examples=["Hämeenlinnan kaupunki"])
    role: str = Field(description="lead or partner", examples=["lead"])


class BudgetLineIO(Schema):
    category: str = Field(description="A cost category code of the call (see /calls/{call_id})", examples=["staff"])
    amount_vat_free: str = Field(description="Euros without VAT, as a decimal string with at most two decimals",
                                 examples=["100000.00"])
    vat: str = Field("0.00", description="The VAT in euros", examples=["0.00"])
    description: str = Field("", examples=["Project manager, 12 months"])


class ApplicationOut(Schema):
    reference: str = Field(examples=["kuntadigi-2026-0001"])
    call: str = Field(examples=["kuntadigi-2026"])
    status: str = Field(description="draft, submitted or withdrawn", examples=["draft"])
    version: int = Field(description="Send it back with a change; a change based on an older version is a 409",
                         examples=[1])
    title: str = Field(examples=["Sähköinen asiointi yhteiseksi"])
    plan: dict = Field(description="The call's plan fields by key (see plan_fields of the call)",
                       examples=[{"objectives": "Asiointi sujuvaksi."}])
    members: list[MemberOut]
    budget: list[BudgetLineIO]
    amount_applied: str = Field(description="Euros, a decimal string", examples=["85000.00"])
    submitted_at: datetime | None = Field(examples=["2026-03-20T14:02:11+02:00"])
    withdrawn_at: datetime | None = Field(examples=[None])


class ApplicationIn(Schema):
    call: str = Field(description="The call's id (see /calls)", examples=["kuntadigi-2026"])
    lead: str = Field(description="The lead applicant's registry key (see /organisations); you must act for it",
                      examples=["109"])
    title: str = Field("", examples=["Sähköinen asiointi yhteiseksi"])


class DraftIn(Schema):
    """A change to a draft: the parts left out (or null) stay as they are; a list given replaces the old one."""

    version: int = Field(description="The version the change is based on (from the last answer)", examples=[1])
    title: str | None = Field(None, examples=["Sähköinen asiointi yhteiseksi"])
    plan: dict[str, str] | None = Field(None, description="Plan fields by the call's plan field keys",
                                        examples=[{"objectives": "Asiointi sujuvaksi."}])
    partners: list[str] | None = Field(None, description="Registry keys of the partners, each once, not the lead",
                                       examples=[["853", "091"]])
    budget: list[BudgetLineIO] | None = None
    amount_applied: str | None = Field(None, description="Euros, a decimal string", examples=["85000.00"])


class AttachmentOut(Schema):
    id: int = Field(examples=[12])
    name: str = Field(description="The file name as uploaded, for display only", examples=["suunnitelma.pdf"])
    content_type: str = Field(description="The type recognised from the content", examples=["application/pdf"])
    size: int = Field(description="Bytes", examples=[48213])
    sha256: str = Field(examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
    uploaded_at: datetime = Field(examples=["2026-03-18T10:41:00+02:00"])


class DecisionDocumentOut(Schema):
    lang: str = Field(examples=["fi"])
    format: str = Field(examples=["pdf"])
    url: str = Field(examples=["/decisions/12/fi.pdf"])
    sha256: str | None = Field(description="The stored document's hash; null when it is rendered on request",
                               examples=["9f2c1e0b8d7a6f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c"])


class DecisionOut(Schema):
    id: int = Field(examples=[12])
    call: str = Field(examples=["kuntadigi-2020-02-26"])
    kind: str = Field(examples=["collective"])
    status: str = Field(description="draft or signed", examples=["signed"])
    documents_status: str = Field(
        description="pending: signed in Avustus, its documents still being made (ask again later); stored: made "
                    "once from the signed data and never changed; rendered: made on request from the decision's "
                    "data (a draft, or a decision signed outside Avustus)", examples=["pending"])
    decided_on: str | None = Field(examples=["2020-02-26"])
    signed_at: datetime | None = Field(examples=["2026-03-02T14:05:00+02:00"])
    snapshot_sha256: str | None = Field(description="The SHA-256 of the data as signed in Avustus",
                                        examples=["3b7e5f0c2a9d8e1f4c6b0a7d9e2f5c8b1a4d7e0f3c6b9a2d5e8f1c4b7a0d3e6f"])
    documents: list[DecisionDocumentOut]
