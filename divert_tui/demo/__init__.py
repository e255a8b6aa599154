"""The demo: a deterministic synthetic cohort (``cohort.fill_demo``), trainer scenarios
(``scenarios``) and the throwaway database ``divert --demo`` runs on (``session.open_demo``).

Nothing is imported here, so importing the package stays cheap for the app's start-up.
"""
