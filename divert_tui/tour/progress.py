"""Where a learner is in a tour, and what moves them on: pure, so it is tested without a screen.

The app reports what happens (the screen showing, an action run on a screen, a screen's
state) and ``Progress`` answers whether the step is done. Progress is kept for the session:
leaving the tour hides it, resuming picks up at the same step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from divert_tui.tour.steps import TOURS, Step, Tour


@dataclass
class Progress:
    tour: Tour
    index: int = 0

    @classmethod
    def start(cls, tour_id: str) -> Progress:
        return cls(TOURS[tour_id])

    @property
    def step(self) -> Step:
        return self.tour.steps[self.index]

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def total(self) -> int:
        return len(self.tour.steps)

    @property
    def finished(self) -> bool:
        return self.index == self.total - 1

    def heading(self) -> str:
        return f"{self.tour.name} · Step {self.number} of {self.total}: {self.step.title}"

    def forward(self) -> bool:
        if self.index + 1 < self.total:
            self.index += 1
            return True
        return False

    def back(self) -> bool:
        if self.index > 0:
            self.index -= 1
            return True
        return False

    def saw_screen(self, screen: str, state: Callable[[str], object] | None = None) -> bool:
        """The app shows ``screen`` (``state`` reads an attribute of it): moves on if that
        is what the step waits for."""
        done = self.step.done
        if done.screen and done.screen == screen:
            return self.forward()
        if done.state and screen == self.step.screen and state is not None:
            attribute, value = done.state
            if str(state(attribute)) == value:
                return self.forward()
        return False

    def saw_action(self, screen: str, action: str) -> bool:
        """An action ran on ``screen``: moves on, or back a step when it undid the last one
        (a dialog cancelled). Returns whether the step changed."""
        if screen != self.step.screen:
            return False
        if action in self.step.done.actions:
            return self.forward()
        if action in self.step.back_on:
            return self.back()
        return False
