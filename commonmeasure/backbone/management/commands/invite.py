"""`commonmeasure invite`: invite someone to an initiative by an e-mailed link
(docs/reference/backbone-tools.md). The same service as the members page: records the invitation,
e-mails the link through EMAIL_BACKEND and prints the link too, for a server without mail."""

from __future__ import annotations

from django.utils.translation import gettext as _

from commonmeasure.console import CommandError, ConsoleCommand


class Command(ConsoleCommand):
    help = "invite someone to an initiative by an e-mailed link"

    def add_arguments(self, parser):
        parser.add_argument("--initiative", required=True, metavar="CODE")
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--role", required=True, choices=["backbone_admin", "reporter", "reviewer", "viewer"]
        )
        parser.add_argument(
            "--organisation", metavar="ORG", help="an organisation of the initiative"
        )
        parser.add_argument(
            "--new-organisation",
            nargs=2,
            metavar=("CODE", "NAME"),
            help="add a new organisation to the initiative and invite the person for it",
        )
        parser.add_argument(
            "--site-url",
            help="the address people open the site at, for the link "
            "(default: CM_SITE_URL, else http://127.0.0.1:8000)",
        )
        parser.add_argument(
            "--by", metavar="USERNAME", help="record the invitation as made by this user"
        )

    def run(self, args) -> int:
        # Imported here: the console script reads the arguments before Django is set up.
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email
        from django.db import transaction
        from django.urls import reverse

        from commonmeasure.backbone import invitations as inv
        from commonmeasure.initiatives.models import Initiative, Organisation, code_validator

        initiative = Initiative.objects.filter(code=args.initiative).first()
        if initiative is None:
            raise CommandError(
                _("no initiative with code %(code)s") % {"code": repr(args.initiative)}
            )
        try:
            validate_email(args.email)
        except ValidationError:
            raise CommandError(
                _("--email: %(email)s is not an e-mail address") % {"email": repr(args.email)}
            ) from None
        if args.organisation and args.new_organisation:
            raise CommandError(_("give --organisation or --new-organisation, not both"))
        org = None
        if args.organisation:
            org = Organisation.objects.filter(
                code=args.organisation, participations__initiative=initiative
            ).first()
            if org is None:
                raise CommandError(
                    _("--organisation: %(organisation)s does not take part in %(initiative)s")
                    % {"organisation": repr(args.organisation), "initiative": initiative.code}
                )
        new_org = None
        if args.new_organisation:
            code, name = (part.strip() for part in args.new_organisation)
            try:
                code_validator(code)
            except ValidationError:
                raise CommandError(
                    _("--new-organisation: %(code)s is not a code (%(rule)s)")
                    % {"code": repr(code), "rule": code_validator.message}
                ) from None
            if not name:
                raise CommandError(_("--new-organisation: give the organisation a name"))
            new_org = (code, name)
        by = None
        if args.by:
            by = get_user_model().objects.filter(username=args.by).first()
            if by is None:
                raise CommandError(_("--by: no user %(user)s") % {"user": repr(args.by)})
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
                link = site.rstrip("/") + reverse(
                    "backbone:accept", args=[inv.token_for(invitation)]
                )
                inv.send(invitation, link)
        except inv.InvitationError as problem:
            raise CommandError(str(problem)) from None
        print(
            _(
                "Invited %(email)s as %(role)s in %(initiative)s; the link expires %(expires)s "
                "UTC:\n%(link)s"
            )
            % {
                "email": invitation.email,
                "role": invitation.role_phrase,
                "initiative": initiative.code,
                "expires": f"{invitation.expires_at:%Y-%m-%d %H:%M}",
                "link": link,
            }
        )
        return 0
