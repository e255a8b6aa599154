"""The guided tour of the demo: steps as data (steps.py) and where a learner is (progress.py)."""
