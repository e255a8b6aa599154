"""The subject-access letter: what the service holds about a person, written for them.

It reads the plain data of ``subject_access.read_person`` and says it in sentences ("On
3 March 2026 a police officer from West Midlands Police referred you..."), UK dates and
times, no codes where a word will do. Free text under review is never printed in place:
its place says which REVIEW BEFORE RELEASE item holds it, and that section, at the top,
lists each item with where it comes from, for a member of staff to decide on.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from divert_tui.core.rules.allocation import PATH_LABELS
from divert_tui.core.rules.call_back import UK
from divert_tui.core.rules.needs import DOMAIN_LABELS
from divert_tui.core.vocab import (
    CONTACT_OUTCOME_LABELS,
    OFFICER_OBSERVED_ETHNICITY,
    SELF_DEFINED_ETHNICITY,
    SUBSTANCES,
    AllocationPath,
    ContactOutcome,
)

WIDTH = 78

STATUS_WORDS = {
    "received": "received, waiting for a first call",
    "contacting": "trying to reach you",
    "assessed": "assessed",
    "allocated": "given a course or session",
    "booked": "booked onto a course or session",
    "completed": "completed",
    "ineligible": "not eligible for diversion",
    "non_compliant": "closed because we could not engage you (non-compliance)",
    "withdrawn": "withdrawn",
}
ROLE_WORDS = {
    "worker": "drug worker",
    "team_lead": "team lead",
    "trainer": "trainer",
    "admin": "administrator",
    "command line": "system administration",
}
BOOKING_WORDS = {
    "booked": "booked",
    "attended": "you attended but left early",
    "completed": "you attended and completed it",
    "did_not_attend": "you did not attend",
    "cancelled": "cancelled",
}
ACTION_WORDS = {
    "referral.view": "opened your referral",
    "referral.conflict": "checked what a colleague had just changed on your referral",
    "referral.create": "recorded your referral",
    "referral.claim": "took on your referral",
    "referral.contact_attempt": "recorded a call to you",
    "referral.status": "moved your referral on",
    "referral.note": "added a note",
    "referral.reassign": "passed your referral to another worker",
    "referral.non_compliant": "closed your referral as non-compliant",
    "referral.bar_override": "set aside a bar on your referral",
    "referral.match_confirmed": "confirmed an earlier record was you",
    "referral.match_rejected": "recorded that an earlier record was not you",
    "assessment.find": "looked for your assessment",
    "assessment.load": "opened your assessment",
    "assessment.view": "read your assessment",
    "assessment.start": "started your assessment",
    "assessment.answer": "saved an answer in your assessment",
    "assessment.export": "printed your assessment for the case file",
    "assessment.complete": "completed your assessment",
    "assessment.allocate": "chose your course",
    "assessment.advice": "recorded advice given to you",
    "assessment.need": "recorded something done about a need",
    "safeguarding.raise": "raised a safeguarding concern",
    "safeguarding.close": "closed a safeguarding concern",
    "booking.book": "booked you onto a session",
    "booking.cancel": "cancelled a booking",
    "booking.attendance": "recorded your attendance",
    "search": "found your referral in a search",
    "audit.search": "looked at who had seen your record",
    "person.export": "made a copy of your record (like this one)",
    "intel.export": "sent the police the record that you did not take part",
    "outcome.export": "sent the police the outcome of your referral",
    "reminders.list": "listed you for a reminder of your session",
    "sessions.roster": "listed you on the register of your session",
    "evaluation.export": "included your referral, by initials only, in the national evaluation",
}


def _day(value: str | None) -> str:
    if not value:
        return "an unknown date"
    if "T" in value:
        moment = datetime.fromisoformat(value)
        local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UK)
        return f"{local.day} {local:%B %Y}"
    day = date.fromisoformat(value)
    return f"{day.day} {day:%B %Y}"


def when_in_words(value: str | None) -> str:
    if not value or "T" not in value:
        return _day(value)
    local = datetime.fromisoformat(value).astimezone(UK)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _held(value: Any) -> str:
    """A field's words, or the pointer to the review item that holds it."""
    if isinstance(value, dict) and "review_item" in value:
        return f"[held back for review: item {value['review_item']} of REVIEW BEFORE RELEASE]"
    return str(value)


def _who(staff: dict[str, str] | None) -> str:
    if not staff:
        return "a member of staff"
    role = ROLE_WORDS.get(staff.get("role", ""), "")
    return f"{staff['name']} ({role})" if role else staff["name"]


def _substance(code: str) -> str:
    found = SUBSTANCES.get(code)
    return found.label.lower() if found else code.replace("_", " ")


def _and(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


class _Letter:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def heading(self, text: str) -> None:
        self.lines += ["", text.upper(), "-" * len(text)]

    def say(self, text: str, indent: int = 0) -> None:
        pad = " " * indent
        hanging = pad + "  " if indent else pad
        self.lines += textwrap.wrap(text, WIDTH, initial_indent=pad, subsequent_indent=hanging) or [
            ""
        ]

    def blank(self) -> None:
        self.lines.append("")


def _review_section(out: _Letter, items: list[dict[str, Any]]) -> None:
    out.heading("Review before release")
    if not items:
        out.say("No free text in this record needs review. Remove this section before sending.")
        return
    out.say(
        "FOR STAFF, BEFORE THIS IS SENT: the items below are free text that may name or "
        "describe other people. Read each one. Where it is about someone else, remove that "
        "part (or write 'withheld: about another person'); then put the reviewed words in "
        "place of the marker '[held back for review: item N ...]' in the letter below, and "
        "remove this section."
    )
    for item in items:
        out.blank()
        out.say(f"Item {item['item']}: {item['where']}")
        out.say(f"Why: {item['why']}", 2)
        for line in str(item["text"]).splitlines() or [""]:
            out.say(f"| {line}", 2)


def _about_you(out: _Letter, person: dict[str, Any]) -> None:
    out.heading("Your details")
    out.say(f"Name: {person['first_name']} {person['last_name']}")
    out.say(f"Date of birth: {_day(person['date_of_birth'])}")
    out.say(f"Sex: {str(person['sex']).replace('_', ' ')}")
    if person["self_defined_ethnicity"]:
        words = SELF_DEFINED_ETHNICITY.get(person["self_defined_ethnicity"], "")
        out.say(f"Your ethnicity as you described it: {words or person['self_defined_ethnicity']}")
    if person["officer_observed_ethnicity"]:
        words = OFFICER_OBSERVED_ETHNICITY.get(person["officer_observed_ethnicity"], "")
        out.say(
            f"Your ethnicity as the officer saw it: {words or person['officer_observed_ethnicity']}"
        )
    out.say(f"Phone: {person['phone'] or 'none held'}")
    out.say(f"Postcode: {person['postcode'] or 'none held'}")
    if person["needs_interpreter"]:
        out.say(
            f"You need an interpreter ({person['interpreter_language'] or 'language not recorded'})."
        )
    for change in person["contact_detail_changes"]:
        field = str(change["field"]).replace("_", " ")
        out.say(
            f"On {_day(change['at'])} your {field} was changed from "
            f"{change['old_value'] or 'nothing'} to {change['new_value'] or 'nothing'} "
            f"({str(change['source']).replace('_', ' ')})."
        )


def _referral(out: _Letter, number: int, of: int, ref: dict[str, Any]) -> None:
    out.heading(f"Referral {number} of {of}: police reference {ref['police_reference']}")
    found = _and([_substance(s) for s in ref["substances"]]) or "drugs"
    officer = f" ({ref['officer']})" if ref["officer"] else ""
    place = f" at {ref['location']}" if ref["location"] else ""
    out.say(
        f"On {_day(ref['referred_at'])} a police officer{officer} from {ref['force']} referred "
        f"you to the diversion service instead of arresting you, after finding {found} on "
        f"{_day(ref['offence_date'])}{place}."
    )
    if ref["notes_from_police"]:
        out.say(f"The officer's notes: {_held(ref['notes_from_police'])}")
    if ref["eligibility_note"]:
        out.say(f"When the referral came in we noted: {ref['eligibility_note']}")
    if ref["bar_override_reason"]:
        out.say(f"A team lead set aside a bar: {_held(ref['bar_override_reason'])}")
    if ref["assigned_worker"]:
        out.say(f"Your worker: {_who(ref['assigned_worker'])}.")
    status = STATUS_WORDS.get(ref["status"], ref["status"])
    closed = f" (closed on {_day(ref['closed_at'])})" if ref["closed_at"] else ""
    out.say(f"Where it stands now: {status}{closed}.")
    if ref["status_reason"]:
        out.say(f"Reason given: {_held(ref['status_reason'])}", 2)
    if ref["outcome_sent_to_police_at"]:
        out.say(f"The outcome was sent to the police on {_day(ref['outcome_sent_to_police_at'])}.")
    _steps(out, ref)
    _calls(out, ref)
    for assessment in ref["assessments"]:
        _assessment(out, assessment)
    _concerns(out, ref)
    _course(out, ref)
    if ref["notes"]:
        out.blank()
        out.say("Notes on your referral:")
        for note in ref["notes"]:
            out.say(
                f"On {when_in_words(note['at'])} {_who(note['by'])} wrote: {_held(note['text'])}", 2
            )


def _steps(out: _Letter, ref: dict[str, Any]) -> None:
    if not ref["status_changes"]:
        return
    out.blank()
    out.say("What happened, step by step:")
    for change in ref["status_changes"]:
        to = STATUS_WORDS.get(change["to"], change["to"])
        reason = f" Reason: {_held(change['reason'])}." if change["reason"] else ""
        out.say(f"On {_day(change['at'])} your referral became: {to}.{reason}", 2)


def _calls(out: _Letter, ref: dict[str, Any]) -> None:
    if not ref["contact_attempts"]:
        return
    out.blank()
    out.say("Our calls to you:")
    for call in ref["contact_attempts"]:
        try:
            outcome = CONTACT_OUTCOME_LABELS[ContactOutcome(call["outcome"])]
        except ValueError:
            outcome = str(call["outcome"])
        note = f" Note: {_held(call['note'])}" if call["note"] else ""
        out.say(
            f"On {when_in_words(call['at'])} {_who(call['by'])} called you: {outcome}.{note}", 2
        )


def _assessment(out: _Letter, assessment: dict[str, Any]) -> None:
    out.blank()
    if assessment["completed_at"]:
        done = f"and finished it on {_day(assessment['completed_at'])}"
    elif assessment["ended_early_reason"]:
        done = f"but the call ended early ({_held(assessment['ended_early_reason'])})"
    else:
        done = "which is not finished yet"
    out.say(
        f"On {when_in_words(assessment['started_at'])} {_who(assessment['worker'])} went through an "
        f"assessment with you by telephone, {done}."
    )
    if assessment["consent_given"] is not None:
        out.say(
            "You agreed to the assessment." if assessment["consent_given"]
            else "You did not agree to the assessment.",
            2,
        )  # fmt: skip
    for use in assessment["substance_use"]:
        parts = []
        if use["days_used_in_last_28"] is not None:
            parts.append(f"used on {use['days_used_in_last_28']} of the last 28 days")
        if use["route"]:
            parts.append(f"how: {str(use['route']).replace('_', ' ')}")
        if use["typical_amount"] is not None:
            parts.append(f"about {use['typical_amount']:g} {use['amount_unit'] or ''}".rstrip())
        if use["age_first_used"] is not None:
            parts.append(f"first used at {use['age_first_used']}")
        main = " (the main drug)" if use["main"] else ""
        out.say(
            f"You told us about {_substance(use['substance'])}{main}: {', '.join(parts) or 'no details'}.",
            2,
        )
    for form in assessment["questionnaires"]:
        result = []
        if form["total"] is not None:
            result.append(f"score {form['total']}")
        if form["band"]:
            result.append(str(form["band"]).replace("_", " "))
        if form["positive_screen"] is not None:
            result.append("a positive screen" if form["positive_screen"] else "a negative screen")
        about = f" ({str(form['subject']).replace('_', ' ')})" if form["subject"] else ""
        out.say(
            f"{form['title']}{about}, version {form['version']}: "
            f"{', '.join(result) or 'answers recorded'}"
            + ("" if form["completed"] else " (not finished)") + ".",
            2,
        )  # fmt: skip
        if isinstance(form["answers"], dict):
            out.say(f"Your answers: {_held(form['answers'])}", 4)
            continue
        for answer in form["answers"]:
            out.say(f"{answer['question']}: {_held(answer['answer'])}", 4)
    if assessment["advice_given"]:
        out.say("Advice we gave you:", 2)
        for advice in assessment["advice_given"]:
            out.say(f"{advice['title']}", 4)
    for need in assessment["needs"]:
        domain = DOMAIN_LABELS.get(need["domain"], need["domain"])
        level = f" ({need['level']})" if need["level"] else ""
        out.say(f"{domain}{level}: {need['reason'] or 'a need we found'}.", 2)
        for action in need["actions"]:
            verb = {"advice": "We gave you advice", "signposted": "We told you about",
                    "referred": "We referred you to"}.get(action["action"] or "", "We noted")  # fmt: skip
            service = action["service"] or ("" if action["action"] == "advice" else "a service")
            status = str(action["status"] or "none").replace("_", " ")
            tail = f" (referral {status})" if action["action"] == "referred" else ""
            out.say(f"{verb} {service}".rstrip() + f" on {_day(action['at'])}{tail}.", 4)


def _concerns(out: _Letter, ref: dict[str, Any]) -> None:
    for concern in ref["safeguarding_concerns"]:
        out.blank()
        kind = str(concern["type"]).replace("_", " ")
        to = f" and passed it to {concern['referred_to']}" if concern["referred_to"] else ""
        out.say(f"On {_day(concern['raised_at'])} we raised a safeguarding concern ({kind}){to}.")
        out.say(f"What was recorded: {_held(concern['detail'])}", 2)
        if concern["closed_at"]:
            out.say(f"It was closed on {_day(concern['closed_at'])}.", 2)
        elif concern["follow_up_due"]:
            out.say(f"A follow-up is due by {_day(concern['follow_up_due'])}.", 2)


def _path(code: str) -> str:
    try:
        return PATH_LABELS[AllocationPath(code)]
    except ValueError:
        return code.replace("_", " ")


def _course(out: _Letter, ref: dict[str, Any]) -> None:
    chosen = ref["allocation"]
    if chosen:
        out.blank()
        out.say(
            f"On {_day(chosen['decided_at'])} we suggested the {_path(chosen['suggested'])} "
            f"and you were given the {_path(chosen['chosen'])}."
        )
        for reason in chosen["reasons"]:
            out.say(f"Why: {reason}", 2)
        if chosen["override_reason"]:
            out.say(f"Why it was chosen otherwise: {_held(chosen['override_reason'])}", 2)
    for booking in ref["bookings"]:
        status = BOOKING_WORDS.get(booking["status"], booking["status"])
        cancel = f" Reason: {_held(booking['cancel_reason'])}." if booking["cancel_reason"] else ""
        out.say(
            f"{booking['group'] or 'A session'} on {when_in_words(booking['session_starts_at'])}: {status}.{cancel}",
            2,
        )
    for wait in ref["waiting_list"]:
        out.say(
            f"On {_day(wait['added_at'])} you joined the waiting list for the {wait['group']}.", 2
        )


def _intelligence(out: _Letter, logs: list[dict[str, Any]]) -> None:
    out.heading("Information passed to the police")
    if not logs:
        out.say("We made no intelligence log about you for the police.")
        return
    for log in logs:
        sent = (
            f" It was sent to the police on {_day(log['sent_to_police_at'])}."
            if log["sent_to_police_at"]
            else " It has not been sent to the police yet."
        )
        out.say(
            f"On {_day(log['created_at'])} we made an intelligence log for the police about "
            f"referral {log['police_reference']}: {log['reason']}. Until {_day(log['bar_until'])} "
            f"you could not be offered diversion again.{sent}"
        )


def _audit(out: _Letter, events: list[dict[str, Any]]) -> None:
    out.heading("Who has looked at or changed your record")
    if not events:
        out.say("Nobody has looked at or changed your record.")
        return
    out.say("Every time someone opens or changes your record, it is logged. By day:")
    grouped: Counter[tuple[str, str, str]] = Counter()
    order: list[tuple[str, str, str]] = []
    for event in events:
        role = ROLE_WORDS.get(event["role"], event["role"])
        who = f"{event['by']} ({role})" if role else event["by"]
        key = (_day(event["at"]), who, ACTION_WORDS.get(event["action"], event["action"]))
        if key not in grouped:
            order.append(key)
        grouped[key] += 1
    for key in order:
        day, who, what = key
        times = f" ({grouped[key]} times)" if grouped[key] > 1 else ""
        out.say(f"{day}: {who} {what}{times}.", 2)


def letter_text(data: dict[str, Any], review_items: list[dict[str, Any]], *, now: datetime) -> str:
    """The whole letter as plain text."""
    person = data["person"]
    out = _Letter()
    out.lines.append("WHAT THE DRUG DIVERSION SERVICE HOLDS ABOUT YOU")
    out.blank()
    out.say(
        f"This is a copy of all the information the drug diversion service holds about "
        f"{person['first_name']} {person['last_name']}, made on {_day(now.isoformat())} in "
        "answer to a request to see it (a subject access request). A full copy in a form "
        "computers can read (JSON) comes with it."
    )
    _review_section(out, review_items)
    _about_you(out, person)
    referrals = data["referrals"]
    if not referrals:
        out.heading("Referrals")
        out.say("We hold no referral about you.")
    for number, ref in enumerate(referrals, start=1):
        _referral(out, number, len(referrals), ref)
    _intelligence(out, data["intelligence_logs"])
    _audit(out, data["audit_events"])
    out.heading("If something is wrong")
    out.say(
        "You can ask us to correct anything that is wrong, and to explain anything here. "
        "If you are not happy with our answer you can complain to the Information "
        "Commissioner's Office (ico.org.uk)."
    )
    return "\n".join(out.lines) + "\n"
