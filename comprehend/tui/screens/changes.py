from comprehend.tui.screens.planned import PlannedScreen


class ChangesScreen(PlannedScreen):
    MODE = "changes"
    LABEL = "Changes"
    WILL_SHOW = (
        "Here you will see the commits and branches of this repository, each marked as "
        "written by a person, an AI agent or a bot, with the evidence for that call, and "
        "open any change's diff."
    )
