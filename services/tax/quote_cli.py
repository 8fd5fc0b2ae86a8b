"""`govshare tax quote FILE [--json] [--rules RULES]`: the transfer tax bill, offline.

Also runnable alone: `python -m services.tax.quote_cli FILE`.

FILE (or `-` for stdin) holds one JSON object with the fields of
`services.tax.quote.QuoteRequest`, for example::

    {"contract_date": "2025-06-01", "price_fen": 235000000, "area_hundredths_m2": 12000,
     "usage": "residential", "buyer_family_existing_homes": 0,
     "seller_acquisition_date": "2016-08-20", "seller_only_home": true,
     "original_cost_fen": 128000000, "certificate_count": 1}

Exit status: 0 with the bill on stdout, 2 when the input cannot be read or assessed (the
field at fault on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from services.tax import rules
from services.tax.engine import Bill, FactsError
from services.tax.quote import QuoteRequest, bill_json, quote, yuan

_PAYER = {"buyer": "买方", "seller": "卖方"}


def render(bill: Bill) -> str:
    """The bill as a plain-text table (one line per tax or fee, then the total)."""
    data = bill_json(bill)
    out = [f"rule set {data['rule_set']} (contract date {data['contract_date']})"]
    for line in data["lines"]:
        how = line["calculation"]
        if "rate" in line:
            how = f"{yuan(line['base_fen'])} x {line['rate']}"
        elif "quantity" in line and line["calculation"] != "exempt":
            how = f"{line['quantity']} x {yuan(line['unit_amount_fen'])}"
        mark = " [rate unconfirmed]" if "unconfirmed" in line else ""
        out.append(
            f"  {line['kind']:<24} {_PAYER[line['payer']]:<3} {line['amount_yuan']:>14}  "
            f"{how}{mark}\n      {line['explanation']} ({line['legal_source']})"
        )
    out.append(f"  {'total':<24} {'':<3} {data['total_yuan']:>14}  yuan")
    out.append(f"rounding: {data['rounding']}")
    return "\n".join(out)


def _read(path: str) -> Any:
    text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()  # noqa: SIM115
    return json.loads(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments (the `govshare` CLI mounts them as `tax quote`)."""
    parser.add_argument("file", help="JSON facts of the transfer, - for stdin")
    parser.add_argument("--json", action="store_true", help="print the bill as JSON")
    parser.add_argument("--rules", default="", help="rules file (default: the packaged rules)")


def run(args: argparse.Namespace) -> int:
    try:
        request = QuoteRequest.model_validate(_read(args.file))
        bill = quote(request, rules.load(args.rules))
    except (OSError, json.JSONDecodeError, rules.RulesError) as exc:
        print(f"cannot read input: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "input"
            print(f"{where}: {error['msg']}", file=sys.stderr)
        return 2
    except FactsError as exc:
        print(f"{exc.field}: {exc.reason}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(bill_json(bill), ensure_ascii=False, indent=2))
    else:
        print(render(bill))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="govshare tax quote", description="Quote the taxes and fees of a transfer."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
