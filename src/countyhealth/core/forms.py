"""What every form that calls an action shares: showing the action's refusal where it belongs."""


class ActionErrorsMixin:
    """Puts an ActionError's field messages on the matching inputs and anything else above the form. A form
    whose inputs are named differently from the action's arguments overrides `form_field_for`."""

    def form_field_for(self, action_field: str) -> str:
        return action_field

    def add_action_error(self, exc) -> None:
        if not exc.fields:
            self.add_error(None, exc.message)
        for name, messages in exc.fields.items():
            target = self.form_field_for(name)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)
