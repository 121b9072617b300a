"""The forms of the survey pages. The public ones (views_public.py): a survey's answers, one
field a question, and a co-design vote's choice or ranks; the view hands the cleaned values to
``services.take_response`` or ``services.take_ballot``. The members' ones (views_staff.py,
views_bursts.py): each owns the fields its page POSTs and their validation; the views hand the
cleaned values to one function of building.py or bursts.py."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonmeasure.forms import PageForm, RawField, WholeNumberField

from . import services
from .models import FREE_TEXT_MAX, Ballot, Question

# --- the public survey form and vote ------------------------------------------------------------


class _Many(forms.Widget):
    """Every value posted under the name (the ticked boxes of a multiple choice question)."""

    def value_from_datadict(self, data, files, name):
        return data.getlist(name)


class AnswerField(forms.Field):
    """One question's answer: its value as stored (a number, an option, a list of options, a
    text), or None when the question is left unanswered (an error if it is required)."""

    def __init__(self, question: Question):
        self.question = question
        super().__init__(required=False, widget=_Many if question.kind == Question.MULTI else None)

    def clean(self, value):
        q = self.question
        if q.kind == Question.MULTI:
            raw = [v for v in value if v != ""]
        else:
            raw = value or ""
            if q.kind != Question.TEXT:
                raw = raw.strip()
        if raw in ("", []) or (q.kind == Question.TEXT and not raw.strip()):
            if q.required:
                raise forms.ValidationError(_("Please answer this question."))
            return None
        if q.kind in (Question.NPS, Question.LIKERT):
            low, high = (0, 10) if q.kind == Question.NPS else (1, 5)
            if not (raw.isdigit() and low <= int(raw) <= high):
                raise forms.ValidationError(
                    _("Choose a number from %(low)s to %(high)s.") % {"low": low, "high": high}
                )
            return int(raw)
        if q.kind == Question.SINGLE:
            if raw not in q.choices:
                raise forms.ValidationError(_("Choose one of the options shown."))
            return raw
        if q.kind == Question.MULTI:
            if any(v not in q.choices for v in raw) or len(set(raw)) != len(raw):
                raise forms.ValidationError(_("Choose among the options shown."))
            return raw
        text = raw.replace("\x00", "").strip()
        if len(text) > FREE_TEXT_MAX:
            raise forms.ValidationError(
                _("Please keep this answer under %(max)s characters (it has %(n)s).")
                % {"max": FREE_TEXT_MAX, "n": len(text)}
            )
        return text


class _Refusable(PageForm):
    """A public form whose refusal is a ``services.ResponseRefused``: the page's message, and
    the message beside each field."""

    summary = ""  # the page's message when some fields need attention, and none is the form's

    @property
    def posted_stamp(self) -> str:
        """The form's stamp as posted (the page served again keeps it, unless it was stale)."""
        return self.data.get(services.STAMP_FIELD, "")

    def refusal(self) -> services.ResponseRefused:
        fields = {
            name: str(problems[0])
            for name, problems in self.errors.items()
            if name != NON_FIELD_ERRORS
        }
        problems = self.non_field_errors()
        return services.ResponseRefused(
            str(problems[0]) if problems else str(self.summary), 400, fields
        )


class ResponseForm(_Refusable):
    """A survey's answers: a field ``q<id>`` for each question, and the form's stamp. Cleaned:
    ``answers`` keyed by question id (those answered), ``texts`` (the free texts, in the
    questions' order) and ``stamp``, which ``services.take_response`` checks."""

    summary = gettext_lazy("Some answers need attention; see the messages below.")

    def __init__(self, data, *, questions: list[Question], fields: dict | None = None):
        """``fields``: ``fields_for(questions)``, made once for many responses (the fields keep
        nothing of one response)."""
        super().__init__(data)
        self.questions = questions
        self.fields.update(fields if fields is not None else self.fields_for(questions))

    @staticmethod
    def fields_for(questions: list[Question]) -> dict[str, forms.Field]:
        fields: dict[str, forms.Field] = {services.STAMP_FIELD: RawField()}
        for q in questions:
            fields[f"q{q.id}"] = AnswerField(q)
        return fields

    def clean(self):
        data = self.cleaned_data
        if self.errors:
            return data
        answers, texts = {}, []
        for q in self.questions:
            answer = data[f"q{q.id}"]
            if answer is None:
                continue
            answers[str(q.id)] = answer
            if q.kind == Question.TEXT:
                texts.append(answer)
        if not answers:
            raise forms.ValidationError(_("Please answer at least one question before sending."))
        return {"answers": answers, "texts": texts, "stamp": data[services.STAMP_FIELD]}


class BallotResponseForm(_Refusable):
    """A co-design vote: the outcome chosen (``choice``), or the ranks given (``rank_<code>``),
    and the form's stamp. Cleaned: ``ranking``, the outcomes' codes, first choice first, and
    ``stamp``, which ``services.take_ballot`` checks."""

    def __init__(self, data, *, ballot: Ballot):
        super().__init__(data)
        self.ballot = ballot
        self.codes = [c["code"] for c in ballot.candidates]
        self.fields[services.STAMP_FIELD] = RawField()
        if ballot.mode == Ballot.VOTE:
            self.fields["choice"] = RawField(strip=True)
        else:
            for code in self.codes:
                self.fields[f"rank_{code}"] = RawField(strip=True)

    def clean(self):
        data = self.cleaned_data
        if self.ballot.mode == Ballot.VOTE:
            choice = data["choice"]
            if choice not in self.codes:
                self.add_error("choice", _("Choose one."))
                raise forms.ValidationError(_("Choose one of the outcomes shown."))
            ranking = [choice]
        else:
            positions = {}
            for code in self.codes:
                raw = data[f"rank_{code}"]
                if raw == "":
                    continue
                if not raw.isdigit() or not 1 <= int(raw) <= len(self.codes):
                    raise forms.ValidationError(
                        _("Ranks are numbers from 1 to %(n)s.") % {"n": len(self.codes)}
                    )
                positions[code] = int(raw)
            if not positions:
                raise forms.ValidationError(_("Give at least your first choice a rank of 1."))
            if len(set(positions.values())) != len(positions):
                raise forms.ValidationError(
                    _("Each rank can be used once: two outcomes have the same rank.")
                )
            ranking = sorted(positions, key=positions.get)
        return {"ranking": ranking, "stamp": data[services.STAMP_FIELD]}


# --- the members' pages -------------------------------------------------------------------------


def _text(**kwargs) -> forms.CharField:
    """Free text, stripped; an empty box is checked by the form's own words, not Django's."""
    return forms.CharField(required=False, **kwargs)


class SurveyForm(PageForm):
    title = _text()
    intro = _text()
    organisation = _text()
    threshold = WholeNumberField(1, 1000, default=5)
    rate_limit_per_minute = WholeNumberField(1, 100000, default=60)

    def __init__(self, data, *, organisations, is_backbone: bool):
        super().__init__(data)
        self.organisations = {o.code: o for o in organisations}
        self.is_backbone = is_backbone

    def clean_title(self):
        title = self.cleaned_data["title"]
        if not title:
            raise forms.ValidationError(_("Give the survey a title."))
        if len(title) > 200:
            raise forms.ValidationError(_("Keep the title under 200 characters."))
        return title

    def clean_organisation(self):
        """The organisation the survey is for; None (the backbone only) means every one."""
        code = self.data.get("organisation", "")
        if code == "":
            if not self.is_backbone:
                raise forms.ValidationError(_("Choose your organisation."))
            return None
        if code not in self.organisations:
            raise forms.ValidationError(_("You may not build a survey for that organisation."))
        return self.organisations[code]


def parse_translations(text: str) -> tuple[dict, str | None]:
    """Lines of "cy: question text | choice 1 | choice 2" -> {"cy": {"text", "choices"}}."""
    out = {}
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        m = re.match(r"^\s*([a-z]{2,3}(?:-[A-Za-z]{2,4})?)\s*:\s*(.+)$", line)
        if not m:
            return (
                {},
                _(
                    'translations line %(line)s: write "cy: question text" (a language code, '
                    "a colon, the text)"
                )
                % {"line": i},
            )
        parts = [p.strip() for p in m.group(2).split("|")]
        out[m.group(1).lower()] = {
            "text": parts[0],
            **({"choices": parts[1:]} if len(parts) > 1 else {}),
        }
    return out, None


class QuestionForm(PageForm):
    """A question added to a survey; the checks depend on each other (a choice question needs
    options, an indicator an NPS or 5-point question), so they are made together, in the order
    the page lists its messages."""

    kind = _text()
    text = _text()
    choices = _text(strip=False)
    translations = _text(strip=False)
    indicator = _text(strip=False)
    measure = _text(strip=False)
    required = forms.BooleanField(required=False)

    def __init__(self, data, *, initiative):
        super().__init__(data)
        self.initiative = initiative

    @property
    def adds_a_question(self) -> bool:
        """The page's "Add question" button was pressed (``action=add_question``); any other
        POST shows the page again."""
        return self.data.get("action") == "add_question"

    def clean(self):
        data = self.cleaned_data
        kind, text = data.get("kind", ""), data.get("text", "")
        if kind not in dict(Question.KIND_CHOICES):
            self.add_error("kind", _("Choose a question type."))
        if not text or len(text) > 500:
            self.add_error("text", _("Write the question (up to 500 characters)."))
        choices = [c.strip() for c in data.get("choices", "").splitlines() if c.strip()]
        if kind in (Question.SINGLE, Question.MULTI) and len(choices) < 2:
            self.add_error("choices", _("Give at least two options, one a line."))
        translations, problem = parse_translations(data.get("translations", ""))
        if problem:
            self.add_error("translations", problem)
        indicator = None
        code = data.get("indicator", "")
        if code:
            indicator = self.initiative.indicators.filter(code=code).first()
            if indicator is None:
                self.add_error("indicator", _("No such indicator in this initiative."))
            elif kind not in (Question.NPS, Question.LIKERT):
                self.add_error(
                    "indicator", _("Only NPS and 5-point questions give an indicator value.")
                )
            elif not indicator.survey_fed:
                self.add_error(
                    "indicator",
                    _(
                        "%(indicator)s is not marked survey_fed in the initiative's definition "
                        "file; mark it there so that the survey owns its values (people could "
                        "otherwise type them too)."
                    )
                    % {"indicator": indicator.code},
                )
        measure = data.get("measure", "")
        if measure and measure not in dict(Question.MEASURE_CHOICES):
            self.add_error("measure", _("Choose NPS, % satisfied or mean score."))
        elif (measure == "nps" and kind != Question.NPS) or (
            measure == "satisfied" and kind != Question.LIKERT
        ):
            self.add_error(
                "measure", _("NPS needs a 0-10 question; % satisfied a 5-point question.")
            )
        if self.errors:
            return data
        return {
            "kind": kind,
            "text": text,
            "choices": choices if kind in (Question.SINGLE, Question.MULTI) else [],
            "translations": translations,
            "required": data.get("required", False),
            "indicator": indicator,
            "measure": measure,
        }


class OpenForm(PageForm):
    """Open (``open=1``) or close a survey or a vote."""

    open = _text()

    def clean_open(self) -> bool:
        return self.cleaned_data["open"] == "1"


def _free_text(form: forms.Form, name: str) -> str:
    value = form.cleaned_data[name]
    if not value:
        raise forms.ValidationError(_("Write something here."))
    if len(value) > FREE_TEXT_MAX:
        raise forms.ValidationError(
            _("Keep this under %(max)s characters (it has %(n)s).")
            % {"max": FREE_TEXT_MAX, "n": len(value)}
        )
    return value


class YouSaidForm(PageForm):
    """One "you said, we did" entry for a survey's public page."""

    you_said = _text()
    we_did = _text()

    def clean_you_said(self):
        return _free_text(self, "you_said")

    def clean_we_did(self):
        return _free_text(self, "we_did")


class RemoveYouSaidForm(PageForm):
    """Remove one "you said, we did" entry (``delete``: its id)."""

    delete = forms.IntegerField()

    @property
    def asked(self) -> bool:
        """A removal was posted (the entry's "Remove" button), rather than a new entry."""
        return "delete" in self.data


class BallotForm(PageForm):
    """A co-design vote: its title, introduction, mode and 2 to 20 different candidates."""

    title = _text()
    intro = _text()
    candidates = _text(strip=False)
    mode = _text()

    def clean_title(self):
        title = self.cleaned_data["title"]
        if not title or len(title) > 200:
            raise forms.ValidationError(_("Give the vote a title (up to 200 characters)."))
        return title

    def clean_candidates(self) -> list[str]:
        labels = [c.strip() for c in self.cleaned_data["candidates"].splitlines() if c.strip()]
        if not 2 <= len(labels) <= 20:
            raise forms.ValidationError(_("List from 2 to 20 candidate outcomes, one a line."))
        if len(set(labels)) != len(labels):
            raise forms.ValidationError(_("Each candidate outcome must be different."))
        return labels

    def clean_mode(self):
        mode = self.data.get("mode", Ballot.RANK)
        if mode not in dict(Ballot.MODE_CHOICES):
            raise forms.ValidationError(_("Choose rank or vote."))
        return mode


class DiscardBurstForm(PageForm):
    """Discard a burst of responses: the link (of this survey) and the burst's key; the period
    comes from the page's address, or from the form."""

    link = _text()
    key = forms.CharField(required=False, strip=False)
    period = _text()

    def clean_link(self) -> int:
        raw = self.cleaned_data["link"]
        return int(raw) if raw.isdigit() else 0  # 0 matches no link: a 404
