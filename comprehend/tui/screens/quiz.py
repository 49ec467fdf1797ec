from comprehend.tui.screens.planned import PlannedScreen


class QuizScreen(PlannedScreen):
    MODE = "quiz"
    LABEL = "Quiz"
    WILL_SHOW = (
        "Here you will answer questions about this repository's code whose answers "
        "comprehend can prove (who calls this, what does this return, which test fails), "
        "scheduled for each person by how well they remember."
    )
