from comprehend.tui.screens.planned import PlannedScreen


class TeamScreen(PlannedScreen):
    MODE = "team"
    LABEL = "Team"
    WILL_SHOW = (
        "Here you will see the team's comprehension debt week by week: the share of the "
        "code, weighted by size, centrality and AI share, that no current member is likely "
        "to understand today."
    )
