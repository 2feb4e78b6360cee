"""The bodies of the funded project's routes (``api/projects.py``), with examples: a leaf like ``schemas``."""

from datetime import date

from ninja import Field, Schema

from avustus.api.schemas import AttachmentOut, MemberOut

MONEY = "Euros, a decimal string with two decimals"


class ProjectSummaryOut(Schema):
    reference: str = Field(description="The application's tracking number", examples=["kuntadigi-2020-0012"])
    title: str = Field(examples=["Pohjois-Satakunnan digitalisaatiohanke"])
    call: str = Field(examples=["kuntadigi-2020"])
    state: str = Field(description="in_progress, cancelled or closed", examples=["in_progress"])
    grant: str = Field(description=MONEY, examples=["131700.00"])
    paid: str = Field(description=MONEY, examples=["43643.81"])
    next_due_on: date | None = Field(description="The next report not filed", examples=["2020-10-26"])
    overdue: int = Field(description="Interim reports past their due date with nothing filed", examples=[0])


class ScheduleEntryOut(Schema):
    kind: str = Field(description="interim or final", examples=["interim"])
    number: int = Field(examples=[1])
    due_on: date = Field(examples=["2020-06-26"])
    report_status: str | None = Field(description="submitted, accepted or returned; null when not filed",
                                      examples=["accepted"])
    overdue: bool = Field(examples=[False])


class BudgetOut(Schema):
    category: str = Field(description="The call's cost category code", examples=["cost-1"])
    member: int | None = Field(description="The consortium member's position (0 is the lead)", examples=[0])
    amount_vat_free: str = Field(description=MONEY, examples=["100000.00"])
    vat: str = Field(description=MONEY, examples=["0.00"])


class AccountOut(Schema):
    id: int = Field(examples=[3])
    iban: str = Field(examples=["FI2112345600000785"])
    holder: str = Field(examples=["Kankaanpään kaupunki"])
    status: str = Field(description="pending (until officials confirm it), active, superseded or rejected",
                        examples=["pending"])
    is_change: bool = Field(description="Replaces an account in use: two officials confirm it", examples=[False])


class PaymentOut(Schema):
    id: int = Field(examples=[7])
    number: int = Field(description="The instalment", examples=[1])
    status: str = Field(description="submitted, accepted, approved, paid or rejected", examples=["submitted"])
    costs_to_date: str = Field(description="The accepted eligible VAT-free costs claimed", examples=["51345.67"])
    amount_claimed: str = Field(description=MONEY, examples=["43643.81"])
    amount_accepted: str | None = Field(description=MONEY, examples=[None])
    acceptance_reasons: str = Field(description="Why less was accepted, or why it was rejected", examples=[""])
    paid_on: date | None = Field(examples=[None])
    amount_paid: str | None = Field(description=MONEY, examples=[None])


class ProjectOut(ProjectSummaryOut):
    aid_rate: str = Field(description="The share of eligible VAT-free costs paid", examples=["0.8500"])
    decided_on: date = Field(examples=["2020-02-26"])
    implementation_end: date | None = Field(examples=["2021-10-31"])
    instalments: int = Field(description="How many instalments the grant is paid in", examples=[3])
    accepted_costs: str = Field(description="Accepted eligible VAT-free costs to date", examples=["51345.67"])
    payable: str = Field(description="What a payment application would claim now", examples=["43643.81"])
    members: list[MemberOut]
    budget: list[BudgetOut]
    schedule: list[ScheduleEntryOut]
    accounts: list[AccountOut]
    payments: list[PaymentOut]


class CostIO(Schema):
    category: str = Field(description="The call's cost category code", examples=["cost-1"])
    member: int = Field(description="The consortium member's position (0 is the lead)", examples=[0])
    amount_vat_free: str = Field(description="Euros without VAT", examples=["40000.00"])
    vat: str = Field("0.00", description="The VAT in euros, apart", examples=["0.00"])


class ReportIn(Schema):
    period_start: date = Field(examples=["2020-02-26"])
    period_end: date = Field(examples=["2020-06-26"])
    progress: str = Field(description="The progress of the project", examples=["Työ etenee suunnitellusti."])
    objectives_stage: str = Field(description="The stage of the plan's intended effects",
                                  examples=["Tavoitteet puolivälissä."])
    costs: list[CostIO]


class ReportOut(ReportIn):
    number: int = Field(examples=[1])
    status: str = Field(description="submitted, accepted or returned", examples=["submitted"])
    version: int = Field(examples=[1])
    late: bool = Field(description="Filed after its due date", examples=[False])
    review_reasons: str = Field(description="The official's reasons (why it was returned)", examples=[""])
    attachments: list[AttachmentOut]


class AccountIn(Schema):
    iban: str = Field(description="Checked by its check digits", examples=["FI21 1234 5600 0007 85"])
    holder: str = Field(examples=["Kankaanpään kaupunki"])



class OutputIO(Schema):
    kind: str = Field("", description="What it is: software, document, vocabulary or service", examples=["software"])
    title: str = Field(examples=["Ajanvarauksen rajapinta"])
    url: str = Field(description="Where it is, https://...", examples=["https://example.org/api"])
    licence: str = Field(description="The licence others may use it under (SPDX)", examples=["EUPL-1.2"])


class FinalReportIn(Schema):
    effects: str = Field(description="The effects of the project", examples=["Asiointi nopeutui."])
    ways_of_working: str = Field(description="The ways of working that changed", examples=["Yhteinen palvelupiste."])
    work_and_results: str = Field(description="The work done and its results", examples=["Rajapinta ja ohjeet."])
    reuse: str = Field(description="How other municipalities can use the results",
                       examples=["Muut kunnat voivat ottaa rajapinnan käyttöön."])
    outputs: list[OutputIO] = Field([], description="Where the results are and under what licence")
    costs: list[CostIO] = Field(description="The project's total costs per cost category and member")


class FinalCostOut(CostIO):
    id: int = Field(examples=[41])
    rejected_amount: str = Field(description="The part the finance review rejected as ineligible (euros)",
                                 examples=["0.00"])
    rejection_reason: str = Field(examples=[""])


class FinalAttachmentOut(AttachmentOut):
    kind: str = Field(description="auditor (the auditor's statement on the use of the grant) or other",
                      examples=["auditor"])


class FinalReportOut(Schema):
    status: str = Field(description="submitted, accepted or returned", examples=["submitted"])
    version: int = Field(examples=[1])
    late: bool = Field(description="Filed after its due date", examples=[False])
    content_review: str = Field(description="pending, accepted or returned", examples=["pending"])
    finance_review: str = Field(description="pending, accepted or returned", examples=["pending"])
    review_reasons: str = Field(description="The officials' reasons (why it was returned)", examples=[""])
    accepted_on: date | None = Field(examples=[None])
    auditor_statement: bool = Field(description="Whether the auditor's statement is attached (required)",
                                    examples=[True])
    effects: str = Field(examples=["Asiointi nopeutui."])
    ways_of_working: str = Field(examples=["Yhteinen palvelupiste."])
    work_and_results: str = Field(examples=["Rajapinta ja ohjeet."])
    reuse: str = Field(examples=["Muut kunnat voivat ottaa rajapinnan käyttöön."])
    outputs: list[OutputIO]
    costs: list[FinalCostOut]
    attachments: list[FinalAttachmentOut]
