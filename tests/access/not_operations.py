"""Public functions of the services that are not operations, each group with its reason.

An operation takes an actor and opens its own transaction; these do not. A new public
function must become an operation (a row of the table), a private helper, or join a group
here with its reason: the access test fails until it does.
"""

from __future__ import annotations

NOT_OPERATIONS: dict[str, tuple[str, ...]] = {
    "runs inside the calling operation's transaction, which checked the actor already": (
        "assessment_safety.sync_concerns",
        "assessment_store.load_pair",
        "audit.record",
        "intake_store.store_records",
        "referrals.add_contact_attempt",
        "referrals.move_within",
    ),
    "the access check itself, and its bookkeeping": (
        "base.require",
        "reports.report_forces",
        "base.forget_waiting_check",
        "base.check_version",
    ),
    "a store: reads or writes rows inside a caller's transaction, no actor of its own": (
        "assessment_record.brief_of",
        "assessment_store.concern_rows",
        "assessment_store.responses",
        "assessment_store.substance_rows",
        "assessment_store.self_harm_recorded",
        "assessment_store.facts_of",
        "assessment_store.view_of",
        "audit_search.person_condition",
        "contact_safety.contact_cautions",
        "course_store.group_by_code",
        "course_store.lock_session",
        "course_store.taken",
        "course_store.offered",
        "course_store.waiting_count",
        "course_store.open_waiting",
        "course_store.close_waiting",
        "course_store.offer_freed_place",
        "course_store.session_rows",
        "course_store.facilitator_id",
        "directory.ensure_synced",
        "intake_store.intel_facts",
        "referral_view.open_concerns",
        "referral_view.timeline",
        "referrals.attempts_of",
        "referrals.decide_for",
        "safe_contact.numbers_not_safe",
        "subject_access_records.read_person",
    ),
    "pure: builds or formats values, touches no database": (
        "assessment.mixing_and_advice",
        "assessment_record.record_text",
        "assessment_store.uk_today",
        "assessment_store.open_for_changes",
        "audit.event_hash",
        "audit_search.uk_time",
        "caseload.overdue_condition",
        "caseload.with_sort",
        "directory.shipped",
        "intake_store.local_day",
        "paging.last_page",
        "paging.clamp_page",
        "sessions.plan_sessions",
        "sessions.roster_rows",
        "subject_access_letter.when_in_words",
        "subject_access_letter.letter_text",
        "subject_access_records.iso",
    ),
    "start-up and set-up of a database, run by the program before anyone logs in": (
        "audit.anchor_existing_trail",
        "directory.sync_services",
        "settings.is_demo_database",
        "settings.refuse_feed_into_demo",
        "settings.mark_demo",
        "settings.holds_live_data",
        "settings.sync_forces",
        "staff.count_staff",
    ),
    "the logged-in session's own checks: any account gets an answer, never a use case": (
        "staff.still_active",
        "staff.confirm_password",
    ),
    "logging in: there is no actor yet, the function makes one": (
        "staff.authenticate",
        "staff.demo_actor",
    ),
}
