from comprehend.tui.screens.planned import PlannedScreen


class GraphScreen(PlannedScreen):
    MODE = "graph"
    LABEL = "Graph"
    WILL_SHOW = (
        "Here you will see the code graph: modules, classes and functions with the imports "
        "and calls between them, ranked by how much depends on each, and what breaks if the "
        "selected one changes."
    )
