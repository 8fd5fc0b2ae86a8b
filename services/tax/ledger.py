"""The clearing ledger (自动清分入账): one payment split into the account of each tax and the
registration-fee account, as a balanced double-entry journal. Pure; the chart is data."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

DEBIT = "debit"
CREDIT = "credit"


class LedgerError(ValueError):
    """A journal that would not balance, or a line no account takes."""


@dataclass(frozen=True)
class Account:
    code: str
    name: str
    kind: str  # clearing, treasury, fee
    line_kinds: tuple[str, ...]
    legal_basis: str


@dataclass(frozen=True)
class Chart:
    clearing: str
    accounts: dict[str, Account]

    def account_for(self, line_kind: str) -> Account:
        for account in self.accounts.values():
            if line_kind in account.line_kinds:
                return account
        raise LedgerError(f"no account of the chart takes {line_kind!r} lines")

    def kind_of(self, code: str) -> str:
        account = self.accounts.get(code)
        return account.kind if account else "unknown"


@dataclass(frozen=True)
class Posting:
    account: str
    side: str  # DEBIT or CREDIT
    amount_fen: int
    line_kind: str = ""
    memo: str = ""


@cache
def load() -> Chart:
    raw = json.loads(
        resources.files(__package__).joinpath("data", "accounts.json").read_text("utf-8")
    )
    accounts = {
        a["code"]: Account(
            a["code"], a["name"], a["kind"], tuple(a["line_kinds"]), a["legal_basis"]
        )
        for a in raw["accounts"]
    }
    if raw["clearing_account"] not in accounts:
        raise LedgerError("the clearing account is not in the chart")
    return Chart(raw["clearing_account"], accounts)


def split(chart: Chart, lines: Iterable[tuple[str, int]], paid_fen: int) -> list[Posting]:
    """The journal of one cleared payment: debit the clearing account with what was paid,
    credit each non-zero bill line to its account. Refuses anything that does not balance
    (a payment is cleared only when it equals the bill, so this is a last safeguard)."""
    postings = [Posting(chart.clearing, DEBIT, paid_fen, memo="一次缴纳 待清分")]
    for kind, amount in lines:
        if amount < 0:
            raise LedgerError(f"negative {kind} line")
        if amount:
            postings.append(Posting(chart.account_for(kind).code, CREDIT, amount, line_kind=kind))
    check_balanced(postings)
    return postings


def reverse(postings: Iterable[Posting], memo: str) -> list[Posting]:
    """The journal that undoes `postings` (a refund of a cleared payment): every posting on
    the other side, so each account nets to zero and the journal balances as the original
    did."""
    flipped = [
        Posting(p.account, CREDIT if p.side == DEBIT else DEBIT, p.amount_fen, p.line_kind, memo)
        for p in postings
    ]
    check_balanced(flipped)
    return flipped


def totals(postings: Iterable[Posting]) -> tuple[int, int]:
    debits = credits = 0
    for posting in postings:
        if posting.side == DEBIT:
            debits += posting.amount_fen
        else:
            credits += posting.amount_fen
    return debits, credits


def check_balanced(postings: list[Posting]) -> None:
    debits, credits = totals(postings)
    if debits != credits:
        raise LedgerError(f"debits {debits} fen != credits {credits} fen")


def balances(postings: Iterable[Posting]) -> dict[str, dict[str, int]]:
    """Debit and credit totals per account."""
    out: dict[str, dict[str, int]] = {}
    for posting in postings:
        entry = out.setdefault(posting.account, {DEBIT: 0, CREDIT: 0})
        entry[posting.side] += posting.amount_fen
    return out
