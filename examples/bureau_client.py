"""A bureau system's day with kiban, using the reference client (kiban.exchange.client).

    .venv/bin/python examples/bureau_client.py --url http://127.0.0.1:8000 \
        --client-id demo-welfare --secret kiban-demo-welfare-secret-2026 --purpose child-allowance

1. get an access token (client credentials);
2. page through the submissions the system has not acknowledged yet;
3. for each: fetch it, acknowledge it, move it to "in review" and send the applicant a notice;
4. read the applicant's name and address under the contract's purpose (logged for them);
5. publish a verified new address for the applicant (--publish-address), which their next
   procedure prefills;
6. ask for their bank account, which the contract does not grant: refused with 403.

Copy src/kiban/exchange/client.py next to this file to use it outside kiban; it needs httpx.
"""

from __future__ import annotations

import argparse
import json
import sys

from kiban.exchange.client import KibanClient, KibanError

# A verified new address, as a welfare office would confirm it (丸の内 in 千代田区).
NEW_ADDRESS = {"postal_code": "1000005", "prefecture": "東京都", "city": "千代田区",
               "town": "丸の内", "street": "2-7-3", "building": ""}


def show(title: str, value) -> None:
    print(f"\n== {title}")
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str)[:2000])


def work_new_submissions(kiban: KibanClient) -> list[dict]:
    """Take over every new submission: acknowledge, start the review, tell the applicant."""
    taken = []
    for case in kiban.submissions(new=True):
        detail = kiban.submission(case["id"])
        kiban.acknowledge(case["id"])
        if detail["status"] == "received":
            kiban.status_change(case["id"], "in_review", note="受付システムに取り込みました")
            kiban.message_send(case["id"], "申請を受け付け、審査を始めました。")
        print(f"took over {detail['reference']} ({detail['procedure']}) — now in review")
        taken.append(detail)
    return taken


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--purpose", required=True, help="the purpose of the contract to use")
    parser.add_argument("--publish-address", action=argparse.BooleanOptionalAction, default=True,
                        help="publish a verified new address for the last applicant")
    args = parser.parse_args(argv)
    kiban = KibanClient(args.url, args.client_id, args.secret, purpose=args.purpose)
    try:
        kiban.token()
        print(f"signed in as {args.client_id}")
        taken = work_new_submissions(kiban)
        if not taken:
            print("no new submissions (apply as the demo resident first, then run me again)")
            return 0
        subject = taken[-1]["subject"]
        show("the applicant's facts, read under the contract",
             kiban.facts(subject, ["person.name", "person.address"]))
        if args.publish_address:
            show("published a verified address",
                 kiban.fact_publish(subject, "person.address", NEW_ADDRESS,
                                    reference=taken[-1]["reference"]))
        try:
            kiban.facts(subject, ["person.bank_account"])
        except KibanError as refused:
            print(f"\n== asking for the bank account: refused, as it should be\n{refused}")
    except KibanError as error:
        print(f"kiban refused: {error}", file=sys.stderr)
        return 1
    finally:
        kiban.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
