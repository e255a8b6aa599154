"""The two guided tours of the demo, as data: a trainer can reword a step without reading code.

Each step names the screen it explains (the screen's class name), says in a trainer's words
what that screen is for, which key to press next, and how the tour knows the learner did it:
a screen appears, an action of the real app runs, or the screen reaches a state (the call
reaches its summary). Nothing here imports textual: the app watches and this module decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from divert_tui.core.vocab import Role


@dataclass(frozen=True)
class Done:
    """How a step knows it is done; the first that happens counts.

    ``screen``: this screen is the one showing. ``actions``: one of these actions ran on the
    step's own screen. ``state``: the step's screen has this attribute with this value."""

    screen: str = ""
    actions: tuple[str, ...] = ()
    state: tuple[str, str] | None = None


@dataclass(frozen=True)
class Step:
    screen: str  # the screen class the step explains
    title: str
    text: str
    key: str  # the key to press next, as printed on the keyboard
    does: str  # what that key does, after the key: "c  claims it"
    done: Done
    back_on: tuple[str, ...] = ()  # actions that undo the step before (a dialog cancelled)


@dataclass(frozen=True)
class Tour:
    id: str
    name: str
    role: Role
    steps: tuple[Step, ...]


THE_END = Done()  # the last step: the learner closes the tour when they like

WORKER_DAY = Tour(
    "worker",
    "The worker's day",
    Role.WORKER,
    (
        Step(
            "MyWorkScreen",
            "My work",
            "Your queue: referrals given to you, then those nobody has claimed yet (Worker "
            "says unassigned). Move down (↓) to an unassigned one.",
            "c",
            "claims it: it goes onto your caseload",
            Done(actions=("claim",)),
        ),
        Step(
            "MyWorkScreen",
            "Log a call",
            "Every call is logged, answered or not: the contact policy counts them. Move up "
            "(↑) to Tyler Ashworth, referred today (the trainer plays him on the phone).",
            "l",
            "logs a call to him",
            Done(screen="ContactAttemptDialog"),
        ),
        Step(
            "ContactAttemptDialog",
            "What happened on the call",
            "Press the number of what happened (1 answered), type a note if you like.",
            "1 then Enter",
            "saves the call on his timeline",
            Done(screen="MyWorkScreen"),
            back_on=("dismiss",),
        ),
        Step(
            "MyWorkScreen",
            "Open the referral",
            "The call is logged and his status is now contacting. Keep Tyler highlighted.",
            "Enter",
            "opens his referral",
            Done(screen="ReferralScreen"),
        ),
        Step(
            "ReferralScreen",
            "The referral",
            "Who he is, what the police found, whether he may be diverted and why, and the "
            "timeline (your call is there).",
            "a",
            "starts the assessment call",
            Done(screen="AssessmentScreen"),
        ),
        Step(
            "AssessmentScreen",
            "The call",
            "A step at a time (list on the left): ask, press the answer's number, Enter. "
            "The identity check comes first (1 Enter for each). Ctrl+Down moves on a step.",
            "F8, End, Enter",
            "jumps to the Summary at the end",
            Done(state=("step", "summary")),
        ),
        Step(
            "AssessmentScreen",
            "The allocation",
            "The needs found and the course the rules suggest, with why. Ctrl+O chooses "
            "otherwise, with a reason. If asked to confirm, Enter.",
            "Ctrl+Y",
            "accepts the suggested allocation",
            Done(state=("view.referral_status", "allocated")),
        ),
        Step(
            "AssessmentScreen",
            "Leave the call",
            "Allocated: the message at the corner says where to. Every answer is already "
            "saved; nothing is lost by leaving.",
            "Esc",
            "goes back to the referral",
            Done(screen="ReferralScreen"),
        ),
        Step(
            "ReferralScreen",
            "Book a session",
            "The referral shows the allocation. A course place is booked from here.",
            "b",
            "lists the next sessions of his course",
            Done(screen="BookSessionDialog"),
        ),
        Step(
            "BookSessionDialog",
            "Choose a session",
            "The next sessions of his course, soonest first, with the places left.",
            "1",
            "books the first session",
            Done(screen="ReferralScreen"),
            back_on=("dismiss",),
        ),
        Step(
            "ReferralScreen",
            "Booked",
            "The booking shows on the referral and on My work. Sessions are run from the "
            "Courses area.",
            "F4",
            "opens Courses",
            Done(screen="CoursesScreen"),
        ),
        Step(
            "CoursesScreen",
            "Courses",
            "Sessions of the last two weeks and the coming ones, soonest first, with places "
            "taken. Move to one that has happened, with people booked.",
            "Enter",
            "opens the highlighted session's roster",
            Done(screen="RosterScreen"),
        ),
        Step(
            "RosterScreen",
            "Attendance",
            "Who was booked. Once the session has taken place, mark each person (2 left "
            "early, 3 did not attend); one still to come is refused: Esc, choose another.",
            "1",
            "marks the highlighted person as completed",
            Done(state=("marked", "1")),
        ),
        Step(
            "RosterScreen",
            "The end of the worker's day",
            "That is a referral from the queue to the course. F2 goes back to My work; F1 "
            "lists every key of a screen.",
            "F12",
            "closes the tour (F1 then G starts another)",
            THE_END,
        ),
    ),
)

LEAD_DAY = Tour(
    "team_lead",
    "The team lead's day",
    Role.TEAM_LEAD,
    (
        Step(
            "MyWorkScreen",
            "My work",
            "A team lead has a queue too, and also sees the whole team's work.",
            "F3",
            "opens the Caseload: every referral of the force",
            Done(screen="CaseloadScreen"),
        ),
        Step(
            "CaseloadScreen",
            "The caseload",
            "Every referral, a page at a time, with the counts by status at the top. "
            "o sorts it; / searches by name or reference.",
            "f",
            "opens the filters",
            Done(screen="PickDialog"),
        ),
        Step(
            "PickDialog",
            "Filter",
            "Choose what to filter on, then its value: the list and the counts follow. "
            "Several filters add up; x on the caseload clears them.",
            "3, then 2",
            "Status, then open referrals only",
            Done(screen="CaseloadScreen"),
        ),
        Step(
            "CaseloadScreen",
            "Select referrals",
            "To hand work on: Space ticks (✓) the highlighted referral, as many as you like.",
            "Shift+R",
            "reassigns the ticked (or highlighted) referrals",
            Done(actions=("reassign",)),
        ),
        Step(
            "PickDialog",
            "Reassign",
            "Each worker with their open referrals and their target: choose who takes them.",
            "Enter",
            "reassigns to the highlighted worker",
            Done(screen="CaseloadScreen"),
            back_on=("cancel",),
        ),
        Step(
            "CaseloadScreen",
            "Reassigned",
            "The Worker column shows who has them now; w lists each worker's load.",
            "F5",
            "opens Reports",
            Done(screen="ReportsScreen"),
        ),
        Step(
            "ReportsScreen",
            "Reports",
            "The service's figures for a month, a table at a time: n next, p previous, "
            "[ and ] a month earlier or later.",
            "c",
            "shows the table as a chart",
            Done(actions=("toggle_chart",)),
        ),
        Step(
            "ReportsScreen",
            "The end of the team lead's day",
            "The chart of the same figures; c again shows the table. That is the team lead's day.",
            "F12",
            "closes the tour (F1 then G starts another)",
            THE_END,
        ),
    ),
)

TOURS: dict[str, Tour] = {tour.id: tour for tour in (WORKER_DAY, LEAD_DAY)}

# Where a step is, in the words on the screen: shown when the learner is somewhere else.
SCREEN_WORDS: dict[str, str] = {
    "MyWorkScreen": "My work (F2)",
    "ContactAttemptDialog": "the Log a call box",
    "ReferralScreen": "the referral",
    "AssessmentScreen": "the call",
    "BookSessionDialog": "the Book box",
    "CoursesScreen": "Courses (F4)",
    "RosterScreen": "a session's roster",
    "CaseloadScreen": "the Caseload (F3)",
    "PickDialog": "the choices box",
    "ReportsScreen": "Reports (F5)",
}
