from comprehend.tui.screens.planned import PlannedScreen


class FindingsScreen(PlannedScreen):
    MODE = "findings"
    LABEL = "Findings"
    WILL_SHOW = (
        "Here you will see what the adversary found in a change: mutants no test kills, "
        "tests that cannot fail, expectations rewritten in the same commit as the code they "
        "check, each with evidence you can re-run."
    )
