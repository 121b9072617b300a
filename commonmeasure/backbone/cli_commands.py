"""Console command: `commonmeasure invite` (docs/reference/backbone-tools.md, cli.md).

The same service as the members page: records the invitation, e-mails the link through
EMAIL_BACKEND and prints the link too, for a server without mail."""

from __future__ import annotations


def add_parsers(sub) -> None:
    p = sub.add_parser("invite", help="invite someone to an initiative by an e-mailed link")
    p.add_argument("--initiative", required=True, metavar="CODE")
    p.add_argument("--email", required=True)
    p.add_argument(
        "--role", required=True, choices=["backbone_admin", "reporter", "reviewer", "viewer"]
    )
    p.add_argument("--organisation", metavar="ORG", help="an organisation of the initiative")
    p.add_argument(
        "--new-organisation",
        nargs=2,
        metavar=("CODE", "NAME"),
        help="add a new organisation to the initiative and invite the person for it",
    )
    p.add_argument(
        "--site-url",
        help="the address people open the site at, for the link "
        "(default: CM_SITE_URL, else http://127.0.0.1:8000)",
    )
    p.add_argument("--by", metavar="USERNAME", help="record the invitation as made by this user")
    p.set_defaults(func=cmd_invite)


def cmd_invite(args) -> int:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.db import transaction
    from django.urls import reverse

    from commonmeasure.cli import CommandError
    from commonmeasure.initiatives.models import Initiative, Organisation, code_validator

    from . import invitations as inv

    initiative = Initiative.objects.filter(code=args.initiative).first()
    if initiative is None:
        raise CommandError(f"no initiative with code {args.initiative!r}")
    try:
        validate_email(args.email)
    except ValidationError:
        raise CommandError(f"--email: {args.email!r} is not an e-mail address") from None
    if args.organisation and args.new_organisation:
        raise CommandError("give --organisation or --new-organisation, not both")
    org = None
    if args.organisation:
        org = Organisation.objects.filter(
            code=args.organisation, participations__initiative=initiative
        ).first()
        if org is None:
            raise CommandError(
                f"--organisation: {args.organisation!r} does not take part in {initiative.code}"
            )
    new_org = None
    if args.new_organisation:
        code, name = (part.strip() for part in args.new_organisation)
        try:
            code_validator(code)
        except ValidationError:
            raise CommandError(
                f"--new-organisation: {code!r} is not a code ({code_validator.message})"
            ) from None
        if not name:
            raise CommandError("--new-organisation: give the organisation a name")
        new_org = (code, name)
    by = None
    if args.by:
        by = get_user_model().objects.filter(username=args.by).first()
        if by is None:
            raise CommandError(f"--by: no user {args.by!r}")
    try:
        with transaction.atomic():
            invitation = inv.invite(
                initiative,
                by=by,
                email=args.email,
                role=args.role,
                organisation=org,
                new_organisation=new_org,
            )
            site = args.site_url or settings.CM_SITE_URL or "http://127.0.0.1:8000"
            link = site.rstrip("/") + reverse("backbone:accept", args=[inv.token_for(invitation)])
            inv.send(invitation, link)
    except inv.InvitationError as problem:
        raise CommandError(str(problem)) from None
    print(
        f"Invited {invitation.email} as {invitation.role_phrase} in {initiative.code}; "
        f"the link expires {invitation.expires_at:%Y-%m-%d %H:%M} UTC:\n{link}"
    )
    return 0
