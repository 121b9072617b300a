"""Console command: `commonmeasure digest` (docs/reference/comments-and-notifications.md)."""

from __future__ import annotations

import sys


def add_parsers(sub) -> None:
    p = sub.add_parser("digest", help="send the daily notification digests by e-mail (for cron)")
    p.add_argument("--dry-run", action="store_true", help="list the digests due, send nothing")
    p.add_argument(
        "--every",
        type=int,
        metavar="SECONDS",
        help="instead, queue a background task that sends them now and every SECONDS (run by `worker`)",
    )
    p.set_defaults(func=cmd_digest)


def cmd_digest(args) -> int:
    from commonmeasure.cli import CommandError

    from .emails import digest_task, digest_text, send_digests

    if args.every is not None:
        if args.every < 60:
            raise CommandError("--every must be at least 60 seconds")
        digest_task.enqueue(args.every)
        print(
            f"queued: digests now and every {args.every} s, sent by `commonmeasure worker`",
            file=sys.stderr,
        )
        return 0
    result = send_digests(dry_run=args.dry_run)
    for p in result:
        print(("would send " if args.dry_run else "sent ") + p.describe())
        if args.dry_run:
            subject, body = digest_text(p)
            print(f"  Subject: {subject}")
            for line in body.splitlines():
                print(f"  | {line}")
    print(f"{len(result)} digest(s) {'due' if args.dry_run else 'sent'}", file=sys.stderr)
    return 0
