"""The telephone assessment: ``AssessmentScreen(referral_id)`` is the way in."""

from divert_tui.screens.assessment.call import AssessmentScreen

__all__ = ["AssessmentScreen"]
