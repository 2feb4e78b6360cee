"""The bodies of the closing routes (``api/closing.py``: the settlement, recovery cases, amending decisions), with
examples: a leaf like ``project_schemas``."""

from datetime import date, datetime

from ninja import Field, Schema

MONEY = "Euros, a decimal string with two decimals"
COMPUTATION = ("The interest computation: `interest`, `penalty_interest`, `principal`, the payments the principal "
               "is attributed to (latest first) and the periods with their days, rates and amounts")
COMPUTATION_EXAMPLE = {"interest": "1011.62", "penalty_interest": "0.00", "principal": "30000.00",
                       "attribution": [{"paid_on": "2020-11-20", "amount": "29000.00"}], "periods": []}


class DocumentLink(Schema):
    lang: str = Field(description="fi or sv", examples=["fi"])
    format: str = Field(examples=["pdf"])
    url: str = Field(description="The signed document on the e-service, for a signed-in session",
                     examples=["https://avustus.example/projects/kuntadigi-2020-0012/settlement.fi.pdf"])


class ReturnOut(Schema):
    returned_on: date = Field(examples=["2021-12-31"])
    amount: str = Field(description=MONEY, examples=["30000.00"])
    interest: str = Field(description="Section 24 interest, " + MONEY, examples=["1011.62"])
    penalty_interest: str = Field(description="Section 25 penalty interest after the due date, " + MONEY,
                                  examples=["0.00"])
    computation: dict = Field(description=COMPUTATION, examples=[COMPUTATION_EXAMPLE])


class SettlementOut(Schema):
    status: str = Field(description="prepared (awaiting a second official) or approved", examples=["approved"])
    grant: str = Field(description=MONEY, examples=["131700.00"])
    aid_rate: str = Field(examples=["0.8500"])
    accepted_costs: str = Field(description="Accepted eligible VAT-free costs", examples=["20000.00"])
    paid: str = Field(description=MONEY, examples=["72643.81"])
    final_grant: str = Field(description=MONEY, examples=["17000.00"])
    last_instalment: str = Field(description=MONEY, examples=["0.00"])
    to_return: str = Field(description=MONEY, examples=["55643.81"])
    left_unreturned: str = Field(description="At most 100 euros left unreturned (section 20), " + MONEY,
                                 examples=["0.00"])
    sha256: str = Field(description="The hash of the figures as settled", examples=["9f2c…"])
    approved_at: datetime | None = Field(examples=["2021-12-01T10:00:00+02:00"])
    reference_number: str | None = Field(description="The Finnish reference number to return the amount with",
                                         examples=["2000042"])
    returns: list[ReturnOut] | None = Field(description="Returned so far; null for a partner, who reads the "
                                                        "figures but not the lead's returns and documents")
    documents: list[DocumentLink] = Field(description="The signed settlement documents once approved and stored "
                                                      "(the lead's people and the officials)")


class WaiverOut(Schema):
    principal: str = Field(description="Principal waived, " + MONEY, examples=["5000.00"])
    interest: bool = Field(description="Interest and penalty interest waived too", examples=[False])
    reasons: str = Field(examples=["Kohtuullistetaan hankkeen tilanteen vuoksi."])
    decided_at: datetime = Field(description="When it took effect: a second person confirmed it (a waiver is listed "
                                             "only then)", examples=["2023-01-10T10:00:00+02:00"])


class RecoveryDecisionOut(Schema):
    decided_on: date = Field(examples=["2022-10-11"])
    due_on: date = Field(examples=["2022-12-15"])
    amount: str = Field(description="The principal to return, " + MONEY, examples=["40000.00"])
    interest: str = Field(description="Section 24 interest to the due date, " + MONEY, examples=["1793.42"])
    total: str = Field(description="To pay by the due date, " + MONEY, examples=["41793.42"])
    computation: dict = Field(description=COMPUTATION, examples=[COMPUTATION_EXAMPLE])
    sha256: str = Field(examples=["4be1…"])
    reference_number: str = Field(description="The Finnish reference number to return it with", examples=["3000017"])
    amount_due: str = Field(description="The principal still to return (less waived and returned), " + MONEY,
                            examples=["30000.00"])
    documents: list[DocumentLink]


class RecoveryOut(Schema):
    id: int = Field(examples=[3])
    status: str = Field(description="hearing (the recipient is heard; also after a decision was sent back), "
                                    "prepared (awaiting a second official's signature) or decided",
                        examples=["hearing"])
    ground: str = Field(description="The section and subsection of Act 688/2001", examples=["22 § 1"])
    amount: str = Field(description="The amount proposed for recovery, " + MONEY, examples=["40000.00"])
    reasons: str = Field(examples=["Hankkeen kustannuksia käytettiin muuhun tarkoitukseen."])
    ground_known_on: date = Field(examples=["2022-09-01"])
    hearing_sent_on: date = Field(examples=["2022-09-05"])
    hearing_deadline: date = Field(description="Respond by this day", examples=["2022-09-30"])
    response: str = Field(examples=[""])
    responded_at: datetime | None = Field(examples=[None])
    version: str = Field(description="Name it when responding: the case as you read it", examples=["a3c9…"])
    decision: RecoveryDecisionOut | None = Field(description="Once signed")
    returns: list[ReturnOut]
    waivers: list[WaiverOut]


class HearingResponseIn(Schema):
    response: str = Field(examples=["Kustannukset olivat hankkeen mukaisia: liitteenä tositteet."])
    version: str = Field(description="The case's `version` you read", examples=["a3c9…"])


class AmendingDecisionOut(Schema):
    id: int = Field(examples=[2])
    change_request: int = Field(description="The change request it decides", examples=[4])
    kind: str = Field(description="extension, budget or partners", examples=["extension"])
    decided_on: date = Field(examples=["2021-10-01"])
    signed_at: datetime = Field(examples=["2021-10-01T12:00:00+03:00"])
    sha256: str = Field(description="The hash of the decision's data as signed", examples=["77d0…"])
    snapshot: dict = Field(description="The decision's data as signed", examples=[{
        "change": {"kind": "extension", "reasons": "Hankinta viivästyi.", "submitted_on": "2021-09-30",
                   "end_before": "2021-10-31", "new_end": "2021-12-31", "final_report_due": "2022-02-28"}}])
    documents: list[DocumentLink] = Field(description="The decision in Finnish and Swedish")
